/**
 * The WebGPU path on whatever adapter Deno finds (Mesa's llvmpipe on a machine without a GPU):
 * gradients within 1e-4 of wasm's, computed on the webgpu backend, in the main thread and in a
 * Worker with read access only. Skipped, with the reason printed, only when there is no adapter
 * and `CI` is not set; in CI a missing adapter fails.
 *
 * The first run on a machine compiles tfjs's shaders (llvmpipe: ~2 s for the MLP, ~4 s for a
 * CNN); Mesa caches them on disk for the next.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import type { ModelName } from "../problems/models.ts";
import { findWebGpuAdapter, initBackend } from "../problems/tfjs_backend.ts";
import { Rng } from "../random.ts";

const adapter = await findWebGpuAdapter();
const inCi = Deno.permissions.querySync({ name: "env", variable: "CI" }).state === "granted" &&
  Boolean(Deno.env.get("CI"));
if (adapter === undefined && !inCi) {
  console.log("webgpu tests skipped: navigator.gpu.requestAdapter() found no adapter here");
}
const ignore = adapter === undefined && !inCi;

const OPTIONS = {
  nodes: 3,
  seed: 4,
  batchSize: 8,
  trainSamples: 100,
  testSamples: 20,
  evalSamples: 20,
} as const;

/** Max |a − b| over max |b|, over all nodes. */
function relativeError(actual: Float64Array[], expected: Float64Array[]): number {
  let difference = 0, scale = 0;
  expected.forEach((row, k) =>
    row.forEach((value, i) => {
      difference = Math.max(difference, Math.abs(actual[k][i] - value));
      scale = Math.max(scale, Math.abs(value));
    })
  );
  assert.ok(scale > 0);
  return difference / scale;
}

/** One block's gradients on webgpu against wasm's. */
async function assertMatchesWasm(model: ModelName): Promise<void> {
  const gpu = await neuralProblem({ ...OPTIONS, model, backend: "webgpu" });
  const nodes = [2, 0, 1];
  const points = nodes.map((node) =>
    gpu.initialParams().map((v, k) => v + 0.01 * Math.cos(node + k))
  );
  const rngs = () => nodes.map((node) => new Rng(9, `node/${node}`));
  const outs = () => nodes.map(() => new Float64Array(gpu.dim));
  const [onGpu, onWasm] = [outs(), outs()];
  let gpuLosses: number[], evaluations: number[];
  try {
    assert.equal(tf.getBackend(), "webgpu");
    assert.equal(gpu.asynchronous, true);
    const pending = gpu.gradientBatch!(nodes, points, onGpu, rngs());
    assert.ok(pending instanceof Promise);
    // The block's program was issued on webgpu: its tensors are webgpu's until read.
    assert.equal(tf.getBackend(), "webgpu");
    gpuLosses = await pending;
    assert.throws(
      () => gpu.gradient(0, points[0], onGpu[0], new Rng(1, "x")),
      /Cannot compute a gradient synchronously on webgpu: .* needs the actor engine's asynchronous gradient path/,
    );
    evaluations = [gpu.loss(points[0]), gpu.accuracy(points[0])];
    assert.equal(tf.getBackend(), "webgpu", "evaluations switch back to webgpu");
  } finally {
    gpu.dispose();
  }
  const wasm = await neuralProblem({ ...OPTIONS, model, backend: "wasm" });
  try {
    const wasmLosses = wasm.gradientBatch!(nodes, points, onWasm, rngs()) as number[];
    gpuLosses.forEach((loss, k) => assert.ok(Math.abs(loss - wasmLosses[k]) < 1e-4, `${loss}`));
    const error = relativeError(onGpu, onWasm);
    assert.ok(error < 1e-4, `${model}: webgpu gradients differ from wasm's by ${error}`);
    assert.deepEqual(evaluations, [wasm.loss(points[0]), wasm.accuracy(points[0])]);
  } finally {
    wasm.dispose();
  }
}

Deno.test({
  name: "webgpu: MLP block gradients equal wasm's to 1e-4, on the webgpu backend",
  ignore,
  fn: () => assertMatchesWasm("mlp"),
});

Deno.test({
  name: "webgpu: CNN block gradients equal wasm's to 1e-4",
  ignore,
  fn: () => assertMatchesWasm("cnn"),
});

Deno.test({
  name: "webgpu: a Worker with read access only opens its own device and computes a gradient",
  ignore,
  async fn() {
    const worker = new Worker(new URL("./fixtures/webgpu_worker.ts", import.meta.url), {
      type: "module",
      deno: {
        permissions: { read: true, write: false, net: false, env: false, run: false, ffi: false },
      },
    } as WorkerOptions);
    try {
      const problem = await neuralProblem({
        ...OPTIONS,
        nodes: 2,
        model: "mlp",
        trainSamples: 100,
        testSamples: 10,
        evalSamples: 10,
      });
      const x = problem.initialParams();
      const expected = new Float64Array(problem.dim);
      const loss = problem.gradient(1, x, expected, new Rng(2, "worker"));
      problem.dispose();
      const reply = await new Promise<{ loss?: number; out?: Float64Array; error?: string }>(
        (resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(event.message));
          };
          worker.postMessage({ x });
        },
      );
      assert.equal(reply.error, undefined, reply.error);
      assert.ok(Math.abs(reply.loss! - loss) < 1e-4);
      assert.ok(relativeError([reply.out!], [expected]) < 1e-4);
    } finally {
      worker.terminate();
    }
  },
});

Deno.test({
  name: "webgpu: initBackend leaves tfjs on webgpu, never on a fallback",
  ignore,
  async fn() {
    try {
      assert.equal(await initBackend("webgpu"), "webgpu");
      assert.equal(tf.getBackend(), "webgpu");
      assert.ok(adapter!.description.length > 0);
    } finally {
      await initBackend("wasm");
    }
  },
});

Deno.test("webgpu with no adapter: the command line says so and exits 2", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        nodes: 3,
        steps: 1,
        engine: "actors",
        backend: "webgpu",
        problem: { type: "neural", trainSamples: 20, testSamples: 10 },
      }),
    );
    const cli = new URL("../cli.ts", import.meta.url).pathname;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--unstable-worker-options",
        cli,
        "--config",
        path,
      ],
      // Deno's WebGPU offers no Metal adapter on Linux or Windows: no adapter at all.
      env: { DENO_WEBGPU_BACKEND: "metal" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const message = new TextDecoder().decode(stderr);
    if (Deno.build.os === "darwin") return; // Metal is there
    assert.equal(code, 2, message);
    assert.match(message, /Cannot initialise TensorFlow.js backend "webgpu": no WebGPU adapter/);
    assert.match(message, /mesa/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test({
  name: "webgpu trains on the actor engine: its trajectory stays within 1e-4 of wasm's",
  ignore,
  async fn() {
    const { runSimulation } = await import("../simulation/mod.ts");
    const run = async (backend: string) =>
      (await runSimulation({
        nodes: 3,
        topology: { type: "complete" },
        problem: {
          type: "neural",
          model: "softmax",
          trainSamples: 60,
          testSamples: 20,
          evalSamples: 30,
          batchSize: 8,
        },
        algorithms: [{ name: "dgd", params: { alpha: 0.1 } }],
        steps: 4,
        evalEvery: 2,
        engine: "actors",
        workers: 1,
        backend,
      })).runs[0].rows;
    const gpu = await run("webgpu"), cpu = await run("wasm");
    assert.equal(gpu.length, cpu.length);
    gpu.forEach((row, k) => {
      const error = Math.abs(row.loss - cpu[k].loss) / Math.abs(cpu[k].loss);
      assert.ok(error < 1e-4, `step ${row.step}: ${row.loss} vs ${cpu[k].loss}`);
    });
    assert.ok(gpu.at(-1)!.loss < gpu[0].loss, "it learns");
  },
});
