import assert from "node:assert/strict";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { resolveExchange } from "../exchange/registry.ts";
import { gradientRng } from "../algorithms/iteration.ts";
import { runSimulation } from "./_fit.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";

const N = 6, ring = ringTopology(N), mixing = metropolisHastings(ring);
const spec = { type: "logistic", dim: 9, heterogeneity: 1, batchSize: 5 };

Deno.test("CHOCO-SGD with full precision and γ = 1 is adapt-then-combine D-PSGD, x ← W (x − η g)", () => {
  const problem = createProblem(spec, N, 7), eta = 0.1, steps = 25;
  const algorithm = createAlgorithm("choco-sgd", {
    alpha: eta,
    gamma: 1,
  }) as DecentralizedAlgorithm;
  const choco = runDecentralized({ problem, algorithm, mixing, steps, seed: 7 });
  // The reference, by hand: each node's gradient stream as the engines draw it.
  const rngs = Array.from({ length: N }, (_, i) => gradientRng(7, i));
  let x = Array.from({ length: N }, () => problem.initialParams());
  const g = new Float64Array(problem.dim);
  for (let t = 1; t <= steps; t++) {
    const y = x.map((xi, i) => {
      problem.gradient(i, xi, g, rngs[i]);
      return xi.map((v, k) => v - eta * g[k]);
    });
    x = mixing.rows.map(({ indices, weights }) => {
      const out = new Float64Array(problem.dim);
      indices.forEach((j, n) => y[j].forEach((v, k) => (out[k] += weights[n] * v)));
      return out;
    });
  }
  choco.models.forEach((model, i) =>
    model.forEach((v, k) => assert.ok(Math.abs(v - x[i][k]) < 1e-12, `node ${i}[${k}]`))
  );
});

Deno.test("CHOCO-SGD with top-k: bit-identical engines, the compressor's bytes, and it trains", async () => {
  const exchange = resolveExchange({ encoder: { name: "top-k", params: { fraction: 0.3 } } });
  const options = { steps: 40, seed: 2, evalEvery: 10, exchange };
  const algorithm = createAlgorithm("choco-sgd", {
    alpha: 0.1,
    gamma: 0.5,
  }) as DecentralizedAlgorithm;
  const seq = runDecentralized({
    ...options,
    problem: createProblem(spec, N, 2),
    algorithm,
    mixing,
  });
  const act = await runActorTest({
    ...options,
    problem: createProblem(spec, N, 2),
    algorithm: { name: "choco-sgd", params: { alpha: 0.1, gamma: 0.5 } },
    mixing,
    workers: 2,
  });
  assert.deepEqual(act.models, seq.models);
  const d = createProblem(spec, N, 2).dim, k = Math.floor(0.3 * d + 1e-9);
  seq.rows.forEach((row, r) => {
    assert.equal(act.rows[r].loss, row.loss);
    assert.equal(act.rows[r].drift, row.drift);
    assert.equal(row.bytes, row.messages * 12 * k);
    // Every q arrives: s_i = Σ_j W_ij x̂_j up to rounding.
    assert.ok(row.drift! < 1e-12, `drift ${row.drift}`);
  });
  assert.ok(seq.rows.at(-1)!.loss < seq.rows[0].loss);
});

Deno.test("CHOCO-SGD's memory-efficient form refuses a changing schedule", async () => {
  await assert.rejects(
    () =>
      runSimulation({
        algorithms: ["choco-sgd"],
        nodes: 8,
        schedule: { type: "one-peer-exponential" },
        steps: 5,
      }),
    /algorithms\.0: choco-sgd needs a static W/,
  );
});

Deno.test("CHOCO-SGD under drops: s_i leaves Σ_j W_ij x̂_j for good, and the drift reports it", async () => {
  const exchange = resolveExchange({ encoder: { name: "top-k", params: { fraction: 0.3 } } });
  const run = (drop: number) =>
    runActorTest({
      steps: 40,
      seed: 2,
      evalEvery: 10,
      exchange,
      problem: createProblem(spec, N, 2),
      algorithm: { name: "choco-sgd", params: { alpha: 0.1, gamma: 0.5 } },
      mixing,
      network: { dropProbability: drop },
      workers: 2,
    });
  const [clean, lossy] = [await run(0), await run(0.2)];
  assert.ok(clean.rows.every((row) => row.drift! < 1e-12));
  const drifts = lossy.rows.map((row) => row.drift!);
  assert.ok(drifts[0] > 1e-3, `drift ${drifts[0]}`);
  // No resend: what is lost stays lost, so the drift does not heal.
  assert.ok(drifts.at(-1)! >= drifts[0] * 0.5, drifts.join(", "));
});
