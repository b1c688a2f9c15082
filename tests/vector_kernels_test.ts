import { PRECISIONS, type Vector, vectorOf } from "../mod.ts";
import assert from "node:assert/strict";
import { kernelsFor, VectorMemory } from "../algorithms/vector_memory.ts";
import { weightedSumInto } from "../algorithms/algorithm.ts";
import { checkFinite, DivergenceError } from "../algorithms/node_failure.ts";
import { amsgradRule, decentralize } from "../algorithms/decentralized_adaptive.ts";
import { DecentralizedNode, nodeContext, nodeVectorMemory } from "../algorithms/iteration.ts";
import { clientVectorMemory, trainClient } from "../algorithms/federated_round.ts";
import { copyPayload } from "../algorithms/payload.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm, FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { fedAms, fedLamb } from "../algorithms/federated.ts";
import { createProblem } from "../problems/registry.ts";
import { Rng } from "../random.ts";
import { compileKernels, KERNELS } from "../tools/build_wasm.ts";
import { decentralizedSteps, runDecentralized } from "../simulation/sequential.ts";
import { uniformWeights } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";

const LENGTH = 259; // the kernels take 256 (float32) or 258 entries (float64), JavaScript the rest

/** Random entries with the awkward values mixed in: ±0, tiny, huge, ±Infinity on request. */
function values(rng: Rng, length: number, { infinite = false, positive = false } = {}): number[] {
  const special = [0, -0, 1e-310, 5e-324, 1e300, -1e300, 1e-40, 3e38, 1, 0.1];
  if (infinite) special.push(Infinity, -Infinity, NaN);
  return Array.from({ length }, () => {
    const value = rng.next() < 0.1
      ? special[Math.floor(rng.next() * special.length)]
      : (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 6 - 3);
    return positive ? Math.abs(value) : value;
  });
}

/**
 * The same vectors twice: in a vector memory (kernels) and as plain arrays of the memory's
 * precision (JavaScript).
 */
function pair(
  memory: VectorMemory,
  entries: readonly number[][],
): { wasm: Vector[]; plain: Vector[] } {
  const wasm = entries.map((entry) => {
    const vector = memory.zeros(entry.length);
    vector.set(entry);
    return vector;
  });
  const plain = entries.map((entry) => vectorOf(memory.precision, entry.length));
  plain.forEach((vector, k) => vector.set(entries[k]));
  return { wasm, plain };
}

function assertSameBits(actual: Vector, expected: Vector, what: string): void {
  assert.equal(actual.constructor, expected.constructor, what);
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Object.is(actual[k], expected[k]), `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

Deno.test("vector memory: 16-byte aligned zeros, kernels only for vectors sharing the memory", () => {
  const memory = VectorMemory.create(3, LENGTH)!;
  const [a, b, c] = [0, 1, 2].map(() => memory.zeros(LENGTH));
  for (const vector of [a, b, c]) {
    assert.equal(vector.byteOffset % 16, 0);
    assert.ok(vector.every((value) => Object.is(value, 0)));
  }
  assert.ok(kernelsFor(a, b, c));
  const overflow = memory.zeros(LENGTH); // no room left: a plain array
  assert.equal(kernelsFor(overflow), null);
  assert.equal(kernelsFor(a, new Float64Array(LENGTH)), null);
  assert.equal(kernelsFor(a, VectorMemory.create(1, LENGTH)!.zeros(LENGTH)), null);
  assert.equal(VectorMemory.create(10, 63), null, "short vectors stay in JavaScript");
  assert.equal(VectorMemory.create(2 ** 20, 2 ** 12), null, "32 GiB is refused, not attempted");
});

for (const precision of PRECISIONS) {
  Deno.test(`vector kernels (${precision}): weighted sums of 1–5 vectors equal the JavaScript loop bit for bit`, () => {
    const rng = new Rng(1, `sums ${precision}`);
    for (let count = 1; count <= 5; count++) {
      const memory = VectorMemory.create(count + 1, LENGTH, precision)!;
      const entries = Array.from({ length: count }, () => values(rng, LENGTH, { infinite: true }));
      const { wasm, plain } = pair(memory, entries);
      const weights = values(rng, count);
      const out = memory.zeros(LENGTH);
      assert.ok(kernelsFor(out, ...wasm), "the kernels run");
      assertSameBits(
        weightedSumInto(out, wasm, weights),
        weightedSumInto(vectorOf(precision, LENGTH), plain, weights),
        `${count} vectors`,
      );
    }
  });
}

Deno.test("vector kernels: the finiteness check passes and fails where the loop does", () => {
  const rng = new Rng(2, "finite");
  const memory = VectorMemory.create(1, LENGTH)!;
  const x = memory.zeros(LENGTH);
  x.set(values(rng, LENGTH).map((value) => Math.abs(value) > 1e99 ? 1 : value));
  x[7] = -1e100; // the largest magnitude still accepted
  checkFinite(x, "here");
  for (const [at, bad] of [[0, NaN], [100, Infinity], [255, -1e101], [258, NaN]] as const) {
    const saved = x[at];
    x[at] = bad;
    assert.throws(
      () => checkFinite(x, "here"),
      (error) => error instanceof DivergenceError && error.message.includes(`parameter ${at} is`),
    );
    x[at] = saved;
  }
  checkFinite(x, "here");
});

for (const precision of PRECISIONS) {
  Deno.test(`vector kernels (${precision}): AMSGrad's fused step and the adaptive mix equal the JavaScript loops bit for bit`, () => {
    const rng = new Rng(3, `adaptive ${precision}`);
    const rule = amsgradRule(0.99);
    const memory = VectorMemory.create(13, LENGTH, precision)!;
    const moments = pair(memory, [
      values(rng, LENGTH, { infinite: true }), // m
      values(rng, LENGTH, { positive: true }), // v
      values(rng, LENGTH, { positive: true }), // v̂
      values(rng, LENGTH), // v̂ previous (overwritten)
      values(rng, LENGTH, { infinite: true }), // g
    ]);
    const states = (["wasm", "plain"] as const).map((kind) => {
      const [m, memoryV, vhat, vhatPrevious, g] = moments[kind];
      rule.fusedStep!({ m, memory: memoryV, vhat, vhatPrevious }, g, 0.9, 1);
      return { m, memory: memoryV, vhat, vhatPrevious };
    });
    for (const key of ["m", "memory", "vhat", "vhatPrevious"] as const) {
      assertSameBits(states[0][key], states[1][key], key);
    }
    // The mix: u ← max(ũ_mixed, ε), x ← x_mixed − α m/√u, ũ ← ũ_mixed − v̂_prev + v̂.
    const algorithm = decentralize("test-amsgrad", rule, {
      alpha: 0.01,
      beta1: 0.9,
      epsilon: 1e-6,
    });
    const mixedEntries = [values(rng, LENGTH, { infinite: true }), values(rng, LENGTH)];
    const rest = pair(memory, [
      values(rng, LENGTH), // x
      values(rng, LENGTH), // u
      values(rng, LENGTH), // ũ
      ...mixedEntries,
    ]);
    const mixed = (["wasm", "plain"] as const).map((kind, k) => {
      const [x, u, utilde, mixedX, mixedU] = rest[kind];
      const state = { ...states[k], x, u, utilde };
      if (kind === "wasm") assert.ok(kernelsFor(x, u, utilde, mixedX, mixedU, state.m));
      algorithm.mix(state, 0, { x: mixedX, u: mixedU });
      return state;
    });
    for (const key of ["x", "u", "utilde"] as const) {
      assertSameBits(mixed[0][key], mixed[1][key], key);
    }
  });
}

Deno.test("vector memory: a node's whole state and mix sums land in it, sized by a dry run of init", () => {
  const problem = createProblem({ type: "logistic", dim: 128, heterogeneity: 1 }, 3, 5);
  const algorithm = createAlgorithm("decentralized-amsgrad", {}) as DecentralizedAlgorithm<
    Record<string, Vector>
  >;
  const x0 = problem.initialParams();
  const memory = nodeVectorMemory(problem, algorithm, x0, 3, { sharedMix: false, extra: 0 });
  const nodes = [0, 1, 2].map((id) =>
    new DecentralizedNode(problem, algorithm, id, 5, x0, { memory })
  );
  const vectors = nodes.flatMap((node) => Object.values(node.state));
  assert.equal(vectors.length, 21);
  assert.ok(kernelsFor(...vectors), "all 7 state vectors of every node are in the memory");
  nodes.forEach((node) => node.iterate(1));
  const sent = nodes.map((node) => node.outgoing(0));
  nodes.forEach((node, i) =>
    node.gather(0, [sent[(i + 2) % 3], sent[i], sent[(i + 1) % 3]], [1 / 3, 1 / 3, 1 / 3])
  );
  nodes.forEach((node) => node.fold(0));
  // Exactly full: the mix sums took the last room; a further vector is a plain array.
  assert.equal(kernelsFor(memory!.zeros(129)), null);
});

Deno.test("the committed kernel bytes are tools/build_wasm.ts's output for every .wat file", async () => {
  const root = new URL("../", import.meta.url);
  for (const kernels of KERNELS) {
    const wat = await Deno.readTextFile(new URL(kernels.wat, root));
    assert.equal(
      await compileKernels(wat, kernels),
      await Deno.readTextFile(new URL(kernels.ts, root)),
      `${kernels.ts}: run \`deno task wasm\``,
    );
  }
});

Deno.test("the sequential engine keeps every node's state in its vector memory (d ≥ 64)", () => {
  const problem = createProblem({ type: "logistic", dim: 128, heterogeneity: 1 }, 4, 2);
  const algorithm = createAlgorithm("decentralized-amsgrad", {}) as DecentralizedAlgorithm;
  let checked = 0;
  runDecentralized({
    problem,
    algorithm,
    mixing: uniformWeights(ringTopology(4)),
    steps: 3,
    seed: 2,
    onStep: (_t, states) => {
      const vectors = (states as Record<string, Float64Array>[]).flatMap(Object.values);
      assert.ok(kernelsFor(...vectors));
      checked++;
    },
  });
  assert.equal(checked, 3);
});

Deno.test("vector memory: recycled when large enough (emptied and zeroed), replaced when not", () => {
  const memory = VectorMemory.create(4, 100)!;
  const first = memory.zeros(100);
  first.fill(7);
  const again = memory.recycle(3, 100);
  assert.equal(again, memory);
  const reused = again!.zeros(100);
  assert.equal(reused.byteOffset, first.byteOffset, "allocation starts over");
  assert.ok(reused.every((value) => value === 0), "zeroed");
  const bigger = memory.recycle(100_000, 100);
  assert.notEqual(bigger, memory);
  assert.ok(kernelsFor(bigger!.zeros(100)));
  assert.equal(memory.recycle(4, 10), null, "short vectors: no memory at all");
});

for (const precision of PRECISIONS) {
  Deno.test(`vector kernels (${precision}): FedAvg's and every local-AMSGrad variant's client steps equal the JavaScript loops bit for bit`, () => {
    const rng = new Rng(4, `clients ${precision}`);
    const d = LENGTH;
    const context = {
      id: 0,
      nodes: 1,
      dim: d,
      layers: [{ name: "w", offset: 0, size: d }],
      precision,
    };
    const variants = [
      createAlgorithm("fedavg", { alpha: 0.1 }),
      ...(["paper", "none", "from-zero"] as const).flatMap((vBiasCorrection) =>
        (["max", "frozen"] as const).flatMap((localVhat) => {
          const options = {
            alpha: 0.01,
            beta1: 0.9,
            beta2: 0.99,
            epsilon: 1e-8,
            v0: 1e-6,
            localVhat,
            vBiasCorrection,
          };
          return [
            fedAms("test-fed-ams", options),
            fedLamb("test-fed-lamb", { ...options, lambda: 0.01, phiMin: 0, phiMax: null }),
          ];
        })
      ),
    ] as FederatedAlgorithm[];
    for (const algorithm of variants) {
      const global = Object.fromEntries(
        algorithm.broadcastChannels.map((name) => [
          name,
          Float64Array.from(values(rng, d, { positive: name !== "theta" })),
        ]),
      );
      const gradients = [0, 1, 2].map(() => {
        const g = vectorOf(precision, d);
        g.set(values(rng, d, { infinite: true }));
        return g;
      });
      const memory = VectorMemory.create(10, d, precision)!;
      const inMemory = { ...context, vector: () => memory.zeros(d) };
      const clients = [inMemory, context].map((c) => algorithm.initClient(c, global));
      gradients.forEach((plain, t) => {
        const g = memory.zeros(d);
        g.set(plain);
        algorithm.localStep(clients[0], g, t + 1);
        algorithm.localStep(clients[1], plain, t + 1);
      });
      const [wasm, js] = clients.map((client) => algorithm.upload(client));
      assert.ok(kernelsFor(...Object.values(wasm)), `${algorithm.name}: the kernels ran`);
      for (const name of Object.keys(js)) {
        assertSameBits(wasm[name], js[name], `${algorithm.name} ${name}`);
      }
    }
  });
}

Deno.test("trainClient: rounds in the client memory (emptied each round) give the uploads of plain arrays", () => {
  const problem = createProblem({ type: "logistic", dim: 128, heterogeneity: 1 }, 3, 6);
  const algorithm = createAlgorithm("fed-ams", {}) as FederatedAlgorithm;
  const memory = clientVectorMemory(problem, algorithm, problem.initialParams());
  assert.ok(memory);
  const global = copyPayload(algorithm.broadcast(
    algorithm.initServer(nodeContext(problem, -1), problem.initialParams()),
  ));
  for (const client of [0, 1, 2, 0]) {
    const rngs = [0, 1].map(() => new Rng(9, `client ${client}`));
    const inMemory = trainClient(
      problem,
      algorithm,
      client,
      global,
      4,
      rngs[0],
      new Float64Array(problem.dim),
      memory,
    );
    assert.ok(kernelsFor(...Object.values(inMemory)));
    const plain = trainClient(
      problem,
      algorithm,
      client,
      global,
      4,
      rngs[1],
      new Float64Array(problem.dim),
    );
    for (const name of Object.keys(plain)) {
      assertSameBits(inMemory[name], plain[name], `${client} ${name}`);
    }
  }
});

Deno.test("sequential runs one after another (memory recycled) and interleaved (memory of their own) give the results of a run alone", () => {
  const problem = createProblem({ type: "logistic", dim: 128, heterogeneity: 1 }, 4, 3);
  const mixing = uniformWeights(ringTopology(4));
  const options = (name: string) => ({
    problem,
    algorithm: createAlgorithm(name, {}) as DecentralizedAlgorithm,
    mixing,
    steps: 6,
    seed: 3,
  });
  const alone = runDecentralized(options("decentralized-amsgrad"));
  runDecentralized(options("dadam")); // leaves its memory for the next run
  assert.deepEqual(runDecentralized(options("decentralized-amsgrad")), alone);
  const first = decentralizedSteps(options("decentralized-amsgrad"));
  const second = decentralizedSteps(options("decentralized-amsgrad"));
  let a = first.next(), b = second.next();
  while (!a.done || !b.done) {
    if (!a.done) a = first.next();
    if (!b.done) b = second.next();
  }
  assert.deepEqual(a.value, alone);
  assert.deepEqual(b.value, alone);
});
