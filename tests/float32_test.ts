import assert from "node:assert/strict";
import { kernelsFor, VectorMemory } from "../algorithms/vector_memory.ts";
import type { DecentralizedAlgorithm } from "../mod.ts";
import { checkFinite, DivergenceError } from "../algorithms/node_failure.ts";
import { DecentralizedNode, nodeVectorMemory } from "../algorithms/iteration.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { type MetricsRow, runSimulation } from "../mod.ts";
import { PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import type { Vector } from "../vector.ts";

// float32 runs: the float32 vector memory, and whole runs (state in Float32Arrays, engines
// bit-identical, Worker counts identical, close to float64). The float32 kernels are tested
// against the JavaScript loops over Float32Arrays with the float64 ones (vector_kernels_test.ts).

const LENGTH = 259; // the kernels take 256 (float32) or 258 entries (float64), JavaScript the rest

Deno.test("float32 vector memory: Float32Array views, 16-byte aligned, a kernel set of its own", () => {
  const memory = VectorMemory.create(3, LENGTH, "float32")!;
  assert.equal(memory.precision, "float32");
  const [a, b] = [memory.zeros(LENGTH), memory.zeros(LENGTH)];
  assert.ok(a instanceof Float32Array && a.byteOffset % 16 === 0 && b.byteOffset % 16 === 0);
  assert.equal(b.byteOffset - a.byteOffset, Math.ceil(LENGTH / 4) * 16);
  assert.ok(kernelsFor(a, b));
  assert.equal(kernelsFor(a, VectorMemory.create(1, LENGTH)!.zeros(LENGTH)), null);
  // A float64 memory is not recycled into a float32 one (nor the other way).
  const f64 = VectorMemory.create(4, LENGTH)!;
  assert.notEqual(f64.recycle(2, LENGTH, "float32"), f64);
  assert.equal(f64.recycle(2, LENGTH, "float64"), f64);
});

Deno.test("float32 kernels: the finiteness check passes and fails where the loop does", () => {
  const memory = VectorMemory.create(1, LENGTH, "float32")!;
  const x = memory.zeros(LENGTH);
  x.fill(1);
  x[5] = -3e38;
  x[6] = 3.4028234663852886e38; // float32's largest finite value: still within the bound
  checkFinite(x, "here");
  for (const [at, bad] of [[0, NaN], [101, Infinity], [255, -Infinity], [257, NaN]] as const) {
    x[at] = bad;
    assert.throws(
      () => checkFinite(x, "here"),
      (error) => error instanceof DivergenceError && error.message.includes(`parameter ${at} is`),
    );
    x[at] = 1;
  }
});

Deno.test("float32 nodes: every state vector and mix sum a Float32Array, in the float32 memory", () => {
  const problem = createProblem({ type: "logistic", dim: 128, precision: "float32" }, 3, 5);
  assert.equal(problem.precision, "float32");
  const algorithm = createAlgorithm("decentralized-amsgrad", {}) as DecentralizedAlgorithm<
    Record<string, Vector>
  >;
  const x0 = problem.initialParams();
  const memory = nodeVectorMemory(problem, algorithm, x0, 3, { sharedMix: false, extra: 0 });
  assert.equal(memory?.precision, "float32");
  const nodes = [0, 1, 2].map((id) =>
    new DecentralizedNode(problem, algorithm, id, 5, x0, { memory })
  );
  const vectors = nodes.flatMap((node) => Object.values(node.state));
  assert.ok(vectors.every((v) => v instanceof Float32Array));
  assert.ok(kernelsFor(...vectors));
  // Without a memory (d < 64), plain Float32Arrays all the same.
  const small = createProblem({ type: "logistic", dim: 8, precision: "float32" }, 2, 5);
  const node = new DecentralizedNode(small, algorithm, 0, 5, small.initialParams());
  assert.ok(Object.values(node.state).every((v) => v instanceof Float32Array));
  node.iterate(1);
  const { [PROBE_CHANNEL]: probe, ...sums } = node.sums(0, node.outgoing(0));
  assert.ok(Object.values(sums).every((v) => v instanceof Float32Array));
  assert.ok(probe instanceof Float64Array, "the realised-mixing probe stays float64");
});

/** A run's rows, without the wall-clock fields. */
async function rows(config: Record<string, unknown>): Promise<MetricsRow[][]> {
  const result = await runSimulation(config as never);
  return result.runs.map((run) => run.rows);
}

const ALGORITHMS = [
  "decentralized-amsgrad",
  "dadam",
  "dgd",
  "cdmsgd",
  "gradient-tracking",
  "d2",
  "sgp",
  "choco-sgd",
  "fedavg",
  "fed-ams",
];

const base = {
  nodes: 6,
  topology: { type: "ring" },
  mixing: { lazy: true },
  problem: { type: "logistic", dim: 100, heterogeneity: 1, batchSize: 5, precision: "float32" },
  algorithms: ALGORITHMS,
  steps: 24,
  evalEvery: 8,
  seed: 3,
};

Deno.test("float32 runs: both engines bit for bit for every method, 4 bytes an entry, close to float64", async () => {
  const sequential = await rows({ ...base, engine: "sequential" });
  const actors = await rows({ ...base, engine: "actors" });
  const float64 = await rows({
    ...base,
    engine: "sequential",
    problem: { ...base.problem, precision: "float64" },
  });
  const fields = ["step", "loss", "gradNormSq", "consensusDistance", "accuracy", "bytes"] as const;
  ALGORITHMS.forEach((name, i) => {
    for (const [k, row] of sequential[i].entries()) {
      for (const field of fields) {
        assert.equal(actors[i][k][field], row[field], `${name} step ${row.step} ${field}`);
      }
      const reference = float64[i][k];
      assert.notEqual(row.loss, reference.loss, `${name}: float32 is not float64`);
      const relative = Math.abs(row.loss! - reference.loss!) / reference.loss!;
      assert.ok(relative < 1e-4, `${name} step ${row.step}: ${row.loss} vs ${reference.loss}`);
      // Full-precision messages of float32 values: 4 bytes an entry, half of float64's.
      assert.equal(row.bytes * 2, reference.bytes, `${name} bytes`);
    }
  });
});

Deno.test("float32 async runs with drops: the same rows on 1, 2 and 5 Workers", async () => {
  const config = {
    ...base,
    algorithms: ["decentralized-amsgrad", "gradient-tracking", "choco-sgd"],
    engine: "actors",
    mode: "async",
    network: { dropProbability: 0.2 },
    exchange: { encoder: { name: "qsgd", params: { levels: 15 } } },
  };
  const one = await rows({ ...config, workers: 1 });
  const two = await rows({ ...config, workers: 2 });
  const five = await rows({ ...config, workers: 5 });
  assert.deepEqual(two, one);
  assert.deepEqual(five, one);
});

// The dense kernels' gradients (and the MLP's dropout masks, drawn in the Workers) on both engines.
for (const model of ["softmax", "mlp"] as const) {
  Deno.test(`float32 neural runs: MNIST ${model} on both engines bit for bit`, async () => {
    const neural = {
      nodes: 4,
      topology: { type: "ring" },
      problem: {
        type: "neural",
        model,
        batchSize: 8,
        trainSamples: 400,
        testSamples: 100,
        evalSamples: 100,
        precision: "float32",
      },
      algorithms: ["decentralized-amsgrad"],
      steps: model === "mlp" ? 4 : 10,
      evalEvery: model === "mlp" ? 2 : 5,
      seed: 1,
    };
    const [sequential] = await rows({ ...neural, engine: "sequential" });
    const [actors] = await rows({ ...neural, engine: "actors" });
    assert.equal(actors.length, sequential.length);
    sequential.forEach((row, k) => {
      assert.equal(actors[k].loss, row.loss);
      assert.equal(actors[k].accuracy, row.accuracy);
    });
  });
}

Deno.test("a bad precision is refused before the run, naming the field and the choices", () => {
  assert.throws(
    () => resolveConfig({ problem: { type: "logistic", precision: "float16" } }),
    /problem\.precision: expected "float64" or "float32", received "float16"/,
  );
  assert.throws(
    () => createProblem({ type: "quadratic", precision: 32 } as never, 2, 0),
    /Cannot build problem "quadratic": precision: expected "float64" or "float32", received 32/,
  );
});

Deno.test("precision defaults: float32 for the neural problem, float64 for the others; a spec may name either", () => {
  const neural = { type: "neural", model: "softmax", trainSamples: 100, testSamples: 50 } as const;
  const resolved = (problem: Record<string, unknown>) =>
    resolveConfig({ nodes: 2, problem, algorithms: ["dgd"], steps: 1 }).problem;
  assert.equal(resolved(neural).precision, "float32");
  assert.equal(resolved({ ...neural, precision: "float64" }).precision, "float64");
  assert.equal(resolved({ type: "logistic", dim: 3 }).precision, undefined);
  assert.equal(createProblem({ type: "logistic", dim: 3 }, 2, 1).precision, undefined);
  assert.equal(resolved({ type: "logistic", dim: 3, precision: "float32" }).precision, "float32");
});
