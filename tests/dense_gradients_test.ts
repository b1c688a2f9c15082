// float32 gradients of dense networks by gossim's own kernels (problems/_dense_gradients.ts),
// checked against the tfjs program that float64 points still take: the same minibatch, the
// same dropout mask bit for bit, the same gradient up to float32 rounding.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import { denseKernels, dropoutMask } from "../problems/_dense_kernels.ts";
import { dropoutMultiplier } from "../problems/_neural_program.ts";
import { initBackend } from "../problems/tfjs_backend.ts";
import { Rng } from "../random.ts";

const small = { trainSamples: 800, testSamples: 100, evalSamples: 200 } as const;

/** Initial weights moved off their zero biases, as float32. */
function point(initial: Float64Array, seed: number): Float32Array {
  const rng = new Rng(seed, "test/dense/point");
  return Float32Array.from(initial, (x) => x + 0.05 * (rng.next() - 0.5));
}

Deno.test("dropoutMask draws tf.randomUniform's mask bit for bit, in JavaScript and in the kernels", async () => {
  await initBackend("wasm");
  const kernels = denseKernels();
  for (const rate of [0.2, 0.5, 0.9]) {
    for (const seed of [0, 1, 65537, 4294967295]) {
      const stage = { kind: "dropout", rate, shape: [50] } as const;
      const expected = tf.tidy(() => dropoutMultiplier(stage, [[seed]], 0, 8).dataSync());
      const mask = new Float32Array(8 * 50);
      dropoutMask(rate, seed, mask);
      assert.deepEqual(mask, expected, `rate ${rate}, seed ${seed}`);
      const inKernels = new Float32Array(kernels.memory.buffer, 64, 8 * 50);
      dropoutMask(rate, seed, inKernels, kernels);
      assert.deepEqual(inKernels, expected, `kernels: rate ${rate}, seed ${seed}`);
      const kept = mask.filter((m) => m > 0).length / mask.length;
      assert.ok(Math.abs(kept - (1 - rate)) < 0.15, `kept ${kept} of rate ${rate}`);
    }
  }
});

for (const model of ["softmax", "mlp"] as const) {
  Deno.test(`${model}: the float32 kernels' gradient is tfjs's up to float32 rounding`, async () => {
    const problem = await neuralProblem({
      model,
      nodes: 4,
      seed: 7,
      batchSize: 16,
      poisoned: [2],
      ...small,
    });
    try {
      for (let node = 0; node < 4; node++) {
        const x = point(problem.initialParams(), node);
        const direct = new Float32Array(problem.dim), reference = new Float64Array(problem.dim);
        const l32 = problem.gradient(node, x, direct, new Rng(node, "test/dense/batch"));
        const l64 = problem.gradient(
          node,
          Float64Array.from(x),
          reference,
          new Rng(node, "test/dense/batch"),
        );
        let scale = 0, error = 0;
        for (let i = 0; i < problem.dim; i++) {
          scale = Math.max(scale, Math.abs(reference[i]));
          error = Math.max(error, Math.abs(reference[i] - direct[i]));
        }
        assert.ok(scale > 1e-3, `node ${node}: a gradient to compare (${scale})`);
        assert.ok(error <= 2e-6 * scale, `node ${node}: max error ${error} of ${scale}`);
        assert.ok(Math.abs(l32 - l64) <= 1e-5 * Math.abs(l64), `loss ${l32} against ${l64}`);
      }
      // A block gives each node's gradient as a call of its own does, bit for bit.
      const points = [0, 1, 2].map((k) => point(problem.initialParams(), 10 + k));
      const outs = points.map(() => new Float32Array(problem.dim));
      const losses = problem.gradientBatch!(
        [3, 2, 3],
        points,
        outs,
        points.map((_, k) => new Rng(k, "test/dense/block")),
      ) as number[];
      [3, 2, 3].forEach((node, k) => {
        const alone = new Float32Array(problem.dim);
        const loss = problem.gradient(node, points[k], alone, new Rng(k, "test/dense/block"));
        assert.deepEqual(outs[k], alone, `node ${node}, place ${k}`);
        assert.equal(losses[k], loss);
      });
    } finally {
      problem.dispose();
    }
  });
}

Deno.test("a CNN's float32 gradient still runs the tfjs program", async () => {
  const problem = await neuralProblem({ model: "small-cnn", nodes: 2, seed: 1, ...small });
  try {
    const x = point(problem.initialParams(), 0);
    const direct = new Float32Array(problem.dim), reference = new Float64Array(problem.dim);
    problem.gradient(0, x, direct, new Rng(1, "test/dense/cnn"));
    problem.gradient(0, Float64Array.from(x), reference, new Rng(1, "test/dense/cnn"));
    // The same float32 program, so the same float32 values.
    assert.deepEqual(direct, Float32Array.from(reference));
  } finally {
    problem.dispose();
  }
});
