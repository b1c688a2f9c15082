import type { Vector } from "../mod.ts";
import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import type { LocalAmsClient } from "../algorithms/federated.ts";
import { loadProblem } from "../problems/registry.ts";
import { Rng } from "../random.ts";
import { runCli } from "./_cli.ts";

Deno.test("softmax regression on MNIST, decentralized AMSGrad, 4-node ring, actors + wasm: ≥ 85% test accuracy", async () => {
  const result = await runSimulation({
    algorithms: [{ name: "decentralized-amsgrad", params: { alpha: 0.003 } }],
    nodes: 4,
    topology: { type: "ring" },
    problem: { type: "neural", model: "softmax", trainSamples: 4000, testSamples: 1000 },
    steps: 150,
    evalEvery: 50,
    engine: "actors",
    workers: 2,
    backend: "wasm",
  });
  const last = result.runs[0].rows.at(-1)!;
  assert.ok(last.accuracy! >= 0.85, `test accuracy ${last.accuracy}`);
  assert.ok(last.accuracySpread !== null && last.accuracySpread < 0.05, `${last.accuracySpread}`);
});

Deno.test("FED-LAMB on the MLP: every local step moves each layer by α‖θ^ℓ‖ (φ = identity, λ = 0)", async () => {
  const problem = await loadProblem(
    { type: "neural", model: "mlp", trainSamples: 200, testSamples: 50, backend: "wasm" },
    2,
    1,
  );
  try {
    assert.deepEqual(problem.layers.map((layer) => layer.size), [784 * 200, 200, 200 * 10, 10]);
    const alpha = 0.01;
    const algorithm = createAlgorithm("fed-lamb", { alpha, lambda: 0 }) as FederatedAlgorithm<
      LocalAmsClient
    >;
    const server = algorithm.initServer(
      { id: -1, nodes: 2, dim: problem.dim, layers: problem.layers },
      problem.initialParams(),
    );
    const client = algorithm.initClient(
      { id: 0, nodes: 2, dim: problem.dim, layers: problem.layers },
      algorithm.broadcast(server),
    );
    const gradient = new Float64Array(problem.dim), rng = new Rng(1, "test");
    const norm = (x: Vector, offset: number, size: number) => {
      let sum = 0;
      for (let k = offset; k < offset + size; k++) sum += x[k] * x[k];
      return Math.sqrt(sum);
    };
    for (let t = 1; t <= 3; t++) {
      const before = new Float64Array(client.theta);
      problem.gradient(0, client.theta, gradient, rng);
      algorithm.localStep(client, gradient, t);
      const step = client.theta.map((v, k) => v - before[k]);
      for (const { name, offset, size } of problem.layers) {
        const thetaNorm = norm(before, offset, size);
        const expected = thetaNorm > 0 ? alpha * thetaNorm : alpha * norm(client.p, offset, size);
        const relative = Math.abs(norm(step, offset, size) - expected) / expected;
        assert.ok(
          relative < 1e-5,
          `step ${t}, ${name}: ${norm(step, offset, size)} vs ${expected}`,
        );
      }
    }
  } finally {
    (problem as { dispose?: () => void }).dispose?.();
  }
});

Deno.test("an unavailable backend or a missing data dir: a clear message, exit 2", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  for (
    const [config, pattern] of [
      [{ backend: "tensorflow" }, /@tensorflow\/tfjs-node/],
      [{ problem: { type: "neural", dataDir: "/nonexistent/mnist" } }, /\/nonexistent\/mnist/],
    ] as const
  ) {
    await Deno.writeTextFile(
      path,
      JSON.stringify({ nodes: 3, steps: 1, problem: { type: "neural" }, ...config }),
    );
    const { code, err } = await runCli("--config", path);
    assert.equal(code, 2, err);
    assert.match(err, /problem: /);
    assert.match(err, pattern);
  }
  await Deno.remove(path);
});
