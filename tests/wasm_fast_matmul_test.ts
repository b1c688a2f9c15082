import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../problems/tfjs_backend.ts";
import { registerWasmFastMatMul, unregisterWasmFastMatMul } from "../problems/_wasm_fast_matmul.ts";
import { neuralProblem } from "../problems/neural.ts";
import type { ModelName } from "../problems/models.ts";
import { Rng } from "../random.ts";

await initBackend("wasm");

/** The dense layers (inputs → units) of gossim's models. */
const LAYERS = [[784, 10], [784, 200], [200, 10], [320, 50], [50, 10], [288, 10]] as const;

const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;

/** Runs `body` on tfjs-backend-wasm's own matMul kernels. */
function original<T>(body: () => T): T {
  unregisterWasmFastMatMul();
  try {
    return body();
  } finally {
    registerWasmFastMatMul();
  }
}

/** Asserts equal shapes and max |actual − expected| ≤ 1e-5 · max |expected|. */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, label);
  const x = actual.dataSync(), y = expected.dataSync();
  let difference = 0, scale = 0;
  for (let i = 0; i < y.length; i++) {
    difference = Math.max(difference, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  assert.ok(scale > 0, `${label}: all zero`);
  assert.ok(difference <= 1e-5 * scale, `${label}: max |Δ| ${difference} > 1e-5 · ${scale}`);
}

/** A seeded normal tensor of `shape` (`outer` batch dims first, the matrix stored transposed). */
function operand(outer: number[], rows: number, cols: number, transposed: boolean, seed: number) {
  return tf.randomNormal(
    [...outer, ...(transposed ? [cols, rows] : [rows, cols])],
    0,
    1,
    "float32",
    seed,
  );
}

/** Counts of engine tensors and of wasm data (kernel intermediates are only the latter). */
function memory(): [number, number] {
  return [tf.memory().numTensors, tf.engine().backend.numDataIds()];
}

Deno.test("the fast matMul equals tfjs's on every model's dense shapes, every transpose, rank 2", () => {
  tf.tidy(() => {
    for (const [inputs, units] of LAYERS) {
      for (const batch of [1, 5, 32]) {
        for (const [transposeA, transposeB] of TRANSPOSES) {
          const a = operand([], batch, inputs, transposeA, inputs + batch);
          const b = operand([], inputs, units, transposeB, units);
          const expected = original(() => tf.matMul(a, b, transposeA, transposeB));
          const label = `${batch}×${inputs}·${inputs}×${units} tA=${transposeA} tB=${transposeB}`;
          assertClose(tf.matMul(a, b, transposeA, transposeB), expected, label);
          // Met again, `b` is multiplied as it is rather than swapped (see `seen`).
          assertClose(tf.matMul(a, b, transposeA, transposeB), expected, `${label}, again`);
        }
      }
    }
  });
});

Deno.test("the fast matMul equals tfjs's on batched products, broadcast batches included", () => {
  const cases: [number[], number[], number, number, number][] = [
    [[3], [3], 32, 200, 10],
    [[3], [3], 32, 784, 200],
    [[4], [4], 128, 784, 200],
    [[1], [3], 32, 200, 10],
    [[3], [1], 32, 784, 50],
    [[3], [], 32, 784, 200],
    [[], [3], 32, 200, 10],
    [[2, 3], [2, 3], 8, 200, 10],
    [[2, 3], [1, 1], 8, 784, 10],
    [[2, 3], [3], 16, 50, 10], // broadcast the wasm kernel handles: left to it
  ];
  tf.tidy(() => {
    for (const [outerA, outerB, m, k, n] of cases) {
      for (const [transposeA, transposeB] of TRANSPOSES) {
        const a = operand(outerA, m, k, transposeA, m + k);
        const b = operand(outerB, k, n, transposeB, n);
        const expected = original(() => tf.matMul(a, b, transposeA, transposeB));
        assertClose(
          tf.matMul(a, b, transposeA, transposeB),
          expected,
          `[${outerA}]·[${outerB}] ${m}×${k}·${k}×${n} tA=${transposeA} tB=${transposeB}`,
        );
      }
    }
  });
});

Deno.test("the fast fused matMul equals tfjs's product, bias and activation", () => {
  tf.tidy(() => {
    for (const [inputs, units] of LAYERS) {
      for (const [transposeA, transposeB] of TRANSPOSES) {
        for (const activation of ["linear", "relu", "prelu"] as const) {
          const a = operand([1], 32, inputs, transposeA, inputs);
          const b = operand([1], inputs, units, transposeB, units);
          const bias = tf.randomNormal([units], 0, 1, "float32", 7);
          const alpha = tf.fill([units], 0.1);
          // Reference unfused: the wasm kernel's own fused loop adds the bias wrongly when
          // transposed (its row r > 0 gets bias[units − 1]).
          const expected = original(() => {
            const linear = tf.add(tf.matMul(a, b, transposeA, transposeB), bias);
            return activation === "relu"
              ? tf.relu(linear)
              : activation === "prelu"
              ? tf.prelu(linear, alpha)
              : linear;
          });
          const actual = tf.fused.matMul({
            a: a as tf.Tensor3D,
            b: b as tf.Tensor3D,
            transposeA,
            transposeB,
            bias,
            activation,
            preluActivationWeights: activation === "prelu" ? alpha : undefined,
          });
          const label = `${inputs}→${units} tA=${transposeA} tB=${transposeB} ${activation}`;
          assertClose(actual, expected, label);
        }
      }
    }
  });
});

Deno.test("gradients of a dense layer equal tfjs's", () => {
  for (const [inputs, units] of LAYERS) {
    for (const activation of ["linear", "relu"] as const) {
      tf.tidy(() => {
        const x = tf.randomNormal([32, inputs], 0, 1, "float32", 1);
        const w = tf.randomNormal([inputs, units], 0, 0.1, "float32", 2);
        const bias = tf.randomNormal([units], 0, 0.1, "float32", 3);
        const weights = tf.randomNormal([32, units], 0, 1, "float32", 4);
        const loss = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(tf.mul(tf.fused.matMul({ a: x, b: w, bias, activation }) as tf.Tensor, weights));
        const gradients = tf.grads(loss);
        const expected = original(() => gradients([x, w, bias]));
        const actual = gradients([x, w, bias]);
        for (const [j, name] of ["x", "kernel", "bias"].entries()) {
          assertClose(actual[j], expected[j], `${inputs}→${units} ${activation}: d${name}`);
        }
      });
    }
  }
});

Deno.test("MLP and CNN gradients through problem.gradient equal tfjs's", async () => {
  for (const model of ["mlp", "cnn"] satisfies ModelName[]) {
    const problem = await neuralProblem({
      model,
      nodes: 2,
      seed: 3,
      trainSamples: 200,
      testSamples: 10,
      evalSamples: 10,
    });
    try {
      const x = problem.initialParams();
      const fast = new Float64Array(problem.dim), expected = new Float64Array(problem.dim);
      const fastLoss = problem.gradient(1, x, fast, new Rng(1, "batch"));
      const expectedLoss = original(() => problem.gradient(1, x, expected, new Rng(1, "batch")));
      assert.ok(Math.abs(fastLoss - expectedLoss) <= 1e-5 * Math.abs(expectedLoss), model);
      tf.tidy(() =>
        assertClose(
          tf.tensor(Float32Array.from(fast)),
          tf.tensor(Float32Array.from(expected)),
          `${model} gradient`,
        )
      );
    } finally {
      problem.dispose();
    }
  }
});

Deno.test("the fast kernels leave no tensor behind, in the engine or in wasm memory", () => {
  const a = tf.randomNormal([3, 32, 784]);
  const b = tf.randomNormal([3, 200, 784]);
  const bias = tf.zeros([200]);
  const before = memory();
  for (const [transposeA, transposeB] of TRANSPOSES) {
    const b2 = transposeB ? b : tf.transpose(b, [0, 2, 1]);
    const a2 = transposeA ? tf.transpose(a, [0, 2, 1]) : a;
    const a1 = tf.slice(a2, 0, 1), b1 = tf.slice(b2, 0, 1);
    tf.matMul(a2, b2, transposeA, transposeB).dispose();
    tf.matMul(a1, b2, transposeA, transposeB).dispose();
    tf.matMul(a2, b1, transposeA, transposeB).dispose();
    tf.matMul(a1, b1, transposeA, transposeB).dispose();
    tf.fused.matMul({ a: a2, b: b2, transposeA, transposeB, bias, activation: "relu" }).dispose();
    tf.dispose([a1, b1, ...[a2, b2].filter((t) => t !== a && t !== b)]);
  }
  assert.deepEqual(memory(), before);
  tf.dispose([a, b, bias]);
});

Deno.test("the fast kernels keep tfjs's errors and registration can be undone", () => {
  assert.throws(() => tf.matMul(tf.ones([4, 3]), tf.ones([4, 3])), /inner shapes/);
  assert.throws(
    () => tf.matMul(tf.ones([64, 64], "int32"), tf.ones([64, 64], "int32")),
    /non-float32/,
  );
  const fast = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
  registerWasmFastMatMul();
  assert.equal(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, fast);
  unregisterWasmFastMatMul();
  assert.notEqual(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, fast);
  registerWasmFastMatMul();
  assert.equal(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, fast);
});
