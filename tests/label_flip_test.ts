// The `label-flip` attack (data poisoning): a poisoned node's gradient is the gradient on
// labels y → C − 1 − y (logistic by hand, neural by the softmax bias), the others and every
// metric keep the true labels; a run injects its Byzantine nodes into the problem spec, the
// engines agree bit for bit, and a problem without labels is refused before the run.
import assert from "node:assert/strict";
import { createProblem } from "../problems/registry.ts";
import { generateData } from "../problems/_synthetic_data.ts";
import type { LogisticProblem } from "../problems/synthetic.ts";
import { type NeuralProblem, neuralProblem } from "../problems/neural.ts";
import { Rng } from "../random.ts";
import { byzantineNodes } from "../exchange/attack.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { buildSetup, problemSpec, resolveConfig, runDecentralized } from "../simulation/mod.ts";
import { runActorTest } from "./_actors.ts";
import { runCli } from "./_cli.ts";
import { runSimulation } from "./_fit.ts";

const sizes = { nodes: 3, dim: 3, samplesPerNode: 6, testSamples: 20, heterogeneity: 1 };
const { nodes: _nodes, ...fields } = sizes;
const logistic = { type: "logistic", ...fields, l2: 0.01 } as const;

/** Node `node`'s full-batch log-loss gradient computed directly, labels through `label`. */
function byHand(node: number, x: Float64Array, label: (y: number) => number): Float64Array {
  const data = generateData({
    ...sizes,
    kind: "logistic",
    seed: 4,
    // logisticProblem's labeller with noise 0 (its noise draw included).
    label: (score, rng) => (rng.bernoulli(0) ? +(score <= 0) : +(score > 0)),
  });
  data.ensureNode(node);
  const { dim, samplesPerNode: m } = sizes;
  const out = new Float64Array(dim + 1);
  for (let s = 0; s < m; s++) {
    const row = node * m + s, a = data.features.subarray(row * dim, (row + 1) * dim);
    const z = a.reduce((sum, ak, k) => sum + ak * x[k], x[dim]);
    const slope = 1 / (1 + Math.exp(-z)) - label(data.labels[row]);
    for (let k = 0; k < dim; k++) out[k] += (slope * a[k]) / m;
    out[dim] += slope / m;
  }
  return out.map((g, k) => g + 0.01 * x[k]);
}

const close = (actual: Float64Array, expected: Float64Array, what: string) =>
  actual.forEach((g, k) => assert.ok(Math.abs(g - expected[k]) < 1e-12, `${what}[${k}]`));

Deno.test("logistic: a poisoned node's gradient is the one on labels 1 − y; the rest and every metric keep the truth", () => {
  const honest = createProblem(logistic, 3, 4) as LogisticProblem;
  const poisoned = createProblem({ ...logistic, poisoned: [1] }, 3, 4) as LogisticProblem;
  const x = Float64Array.of(0.3, -0.2, 0.5, 0.1);
  const gradient = (problem: LogisticProblem, node: number) => {
    const out = new Float64Array(4);
    problem.gradient(node, x, out, new Rng(0));
    return out;
  };
  close(gradient(honest, 1), byHand(1, x, (y) => y), "honest node 1 (the data replayed)");
  close(gradient(poisoned, 1), byHand(1, x, (y) => 1 - y), "poisoned node 1");
  assert.notDeepEqual(gradient(poisoned, 1), gradient(honest, 1));
  for (const node of [0, 2]) assert.deepEqual(gradient(poisoned, node), gradient(honest, node));
  assert.equal(poisoned.loss(x), honest.loss(x));
  assert.equal(poisoned.accuracy(x), honest.accuracy(x));
  const [full, truth] = [new Float64Array(4), new Float64Array(4)];
  poisoned.fullGradient(x, full);
  honest.fullGradient(x, truth);
  assert.deepEqual(full, truth);
});

Deno.test("poisoned ids outside [0, N) are refused, naming the field", () => {
  assert.throws(
    () => createProblem({ ...logistic, poisoned: [0, 3] }, 3, 4),
    /Cannot build logistic problem: poisoned\[1\] must be a node id, an integer in \[0, 3\), received 3/,
  );
  assert.throws(() => createProblem({ ...logistic, poisoned: [-1] }, 3, 4), /poisoned\.0/);
});

Deno.test("neural: a poisoned node's minibatch trains on labels 9 − y (the softmax bias says so)", async () => {
  // 2 nodes of 20 images, batch 64: each minibatch is the node's whole shard.
  const options = { nodes: 2, seed: 5, trainSamples: 40, testSamples: 20, evalSamples: 20 };
  const honest = await neuralProblem({ ...options, batchSize: 64 });
  const poisoned = await neuralProblem({ ...options, batchSize: 64, poisoned: [0] });
  try {
    const x = honest.initialParams();
    const gradient = (problem: NeuralProblem, node: number) => {
      const out = new Float64Array(problem.dim);
      problem.gradient(node, x, out, new Rng(1, "minibatch"));
      return out;
    };
    // ∂/∂bias_c of the mean cross-entropy is mean(p_c − [y = c]): flipping y moves it by
    // (#{y = c} − #{y = 9 − c}) / m.
    const bias = honest.layers.find((layer) => layer.name.endsWith("bias"))!;
    const [clean, flipped] = [gradient(honest, 0), gradient(poisoned, 0)];
    const counts = honest.classHistogram[0], m = honest.samples(0);
    for (let c = 0; c < 10; c++) {
      const moved = flipped[bias.offset + c] - clean[bias.offset + c];
      assert.ok(Math.abs(moved - (counts[c] - counts[9 - c]) / m) < 1e-5, `class ${c}: ${moved}`);
    }
    assert.notDeepEqual(flipped, clean);
    assert.deepEqual(gradient(poisoned, 1), gradient(honest, 1), "node 1 is honest");
    // The batched path (the actor engine's) flips the same labels.
    const outs = [new Float64Array(poisoned.dim), new Float64Array(poisoned.dim)];
    const rngs = [new Rng(1, "minibatch"), new Rng(1, "minibatch")];
    await poisoned.gradientBatch!([0, 1], [x, x], outs, rngs);
    assert.deepEqual(outs, [flipped, gradient(honest, 1)]);
    assert.equal(poisoned.loss(x), honest.loss(x));
    assert.equal(poisoned.accuracy(x), honest.accuracy(x));
  } finally {
    honest.dispose();
    poisoned.dispose();
  }
});

const config = {
  nodes: 8,
  algorithms: [{ name: "dgd", params: { alpha: 0.05 } }],
  problem: { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 },
  steps: 10,
  evalEvery: 5,
  seed: 3,
  exchange: { byzantine: { nodes: [2, 5], attack: "label-flip" } },
};

Deno.test("a run poisons its Byzantine nodes of each seed, in the spec every Worker rebuilds", async () => {
  const setup = await buildSetup(resolveConfig(config));
  assert.deepEqual(setup.problem.source.spec.poisoned, [2, 5]);
  const drawn = resolveConfig({
    ...config,
    exchange: { byzantine: { fraction: 0.25, attack: "label-flip" } },
  });
  for (const seed of [3, 4, 5]) {
    const spec = problemSpec({ ...drawn, seed });
    assert.deepEqual(spec.poisoned, byzantineNodes(drawn.exchange.byzantine!, 8, seed));
  }
  const other = resolveConfig({
    ...config,
    exchange: { byzantine: { nodes: [2], attack: "ipm" } },
  });
  assert.equal(problemSpec(other), other.problem, "other attacks leave the problem as it is");
});

Deno.test("label-flip (DGD, logistic, ring of 8, 2 Byzantine): engines bit for bit, unlike the honest run", async () => {
  const resolved = resolveConfig(config);
  const { problem, mixing } = await buildSetup(resolved);
  const common = { mixing, exchange: resolved.exchange, steps: 10, seed: 3, evalEvery: 5 };
  const algorithm = config.algorithms[0];
  const dgd = () => createAlgorithm("dgd", algorithm.params) as DecentralizedAlgorithm;
  const sequential = runDecentralized({ ...common, problem, algorithm: dgd() });
  const honest = runDecentralized({
    ...common,
    problem: createProblem(resolved.problem, 8, 3),
    algorithm: dgd(),
  });
  assert.notDeepEqual(sequential.models, honest.models, "the poisoning acts");
  assert.notEqual(sequential.rows.at(-1)!.loss, honest.rows.at(-1)!.loss);
  const actors = await runActorTest({ ...common, problem, algorithm, timeout: 1e6, workers: 2 });
  assert.deepEqual(actors.models, sequential.models);
  sequential.rows.forEach((row, k) => assert.equal(actors.rows[k].loss, row.loss));
  const run = async (engine: string) =>
    (await runSimulation({ ...config, engine, ...(engine === "actors" ? { workers: 2 } : {}) }))
      .runs[0].rows.map((row) => row.loss);
  assert.deepEqual(await run("actors"), await run("sequential"));
  assert.deepEqual(await run("sequential"), sequential.rows.map((row) => row.loss));
});

Deno.test("label-flip on a problem without labels is refused before the run (exit 2)", async () => {
  for (const problem of ["least-squares", "quadratic"]) {
    const { code, err } = await runCli(
      ...["--nodes", "8", "--algorithm", "dgd", "--problem", problem],
      ...["--byzantine", "1", "--attack", "label-flip"],
    );
    assert.equal(code, 2, problem);
    assert.match(
      err,
      new RegExp(
        `exchange\\.byzantine\\.attack = "label-flip": problem "${problem}" has no labels to ` +
          'flip; expected a classification problem whose spec takes poisoned \\("logistic", "neural"\\)',
      ),
    );
  }
  assert.throws(
    () => resolveConfig({ ...config, problem: { ...config.problem, poisoned: [1] } }),
    /problem\.poisoned = \[1\]: exchange\.byzantine\.attack "label-flip" sets it/,
  );
});
