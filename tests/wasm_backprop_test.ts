import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers"; // registers tfjs's gradient functions
import { initBackend, onBackend } from "../problems/tfjs_backend.ts";
import { heapKernels } from "../problems/_wasm_heap.ts";
import {
  maxPoolGradLoop,
  maxPoolGradSimd,
  registerWasmBackprop,
  unregisterWasmBackprop,
} from "../problems/_wasm_backprop.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { Rng } from "../random.ts";

await initBackend("cpu");
await initBackend("wasm");

/** Max |a − b| ≤ 1e-4 · max |b| (and equal shapes). */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, label);
  const a = actual.dataSync(), b = expected.dataSync();
  let difference = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0, `${label}: all zero`);
  assert.ok(difference <= 1e-4 * scale, `${label}: max |Δ| ${difference} > 1e-4 · ${scale}`);
}

/** `op` on wasm (fast kernels) and on cpu, from the same seeded inputs. */
function compare(label: string, op: () => tf.Tensor): void {
  const wasm = op();
  const cpu = onBackend("cpu", op);
  try {
    assertClose(wasm, cpu, label);
  } finally {
    tf.dispose([wasm, cpu]);
  }
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);

Deno.test("wasm Conv2DBackpropInput equals cpu's on the CNNs' layers, valid and same", () => {
  const layers = [
    [[4, 28, 28, 1], [5, 5, 1, 10]],
    [[4, 12, 12, 10], [5, 5, 10, 20]],
    [[3, 13, 13, 16], [3, 3, 16, 32]],
    [[2, 7, 9, 3], [3, 2, 3, 4]],
  ] as const;
  for (const [input, filter] of layers) {
    for (const pad of ["valid", "same"] as const) {
      const [h, w] = pad === "valid" ? [input[1] - filter[0] + 1, input[2] - filter[1] + 1] : [
        input[1],
        input[2],
      ];
      compare(`${input} * ${filter} ${pad}`, () =>
        tf.conv2dTranspose(
          normal([input[0], h, w, filter[3]], 1) as tf.Tensor4D,
          normal([...filter], 2) as tf.Tensor4D,
          [...input],
          1,
          pad,
        ));
    }
  }
});

Deno.test("wasm MaxPoolGrad equals cpu's: 2×2/2 valid, 3×3/2 same (overlapping), ties", () => {
  const cases = [
    { shape: [4, 24, 24, 10], size: 2, stride: 2, pad: "valid" },
    { shape: [3, 9, 11, 4], size: 3, stride: 2, pad: "same" },
    { shape: [2, 8, 8, 3], size: 2, stride: 1, pad: "valid" },
  ] as const;
  for (const { shape, size, stride, pad } of cases) {
    for (const ties of [false, true]) {
      compare(`${shape} pool ${size}/${stride} ${pad}${ties ? " ties" : ""}`, () =>
        tf.tidy(() => {
          const x0 = normal([...shape], 3);
          const x = ties ? tf.round(tf.mul(x0, 1.5)) : x0; // many equal maxima
          return tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, size, stride, pad), normal([1], 4)))
          )(x);
        }));
    }
  }
});

Deno.test("the fast wasm gradients can be undone, and restored", () => {
  const fast = tf.getKernel("MaxPoolGrad", "wasm")!.kernelFunc;
  unregisterWasmBackprop();
  assert.notEqual(tf.getKernel("MaxPoolGrad", "wasm")!.kernelFunc, fast);
  registerWasmBackprop();
  registerWasmBackprop();
  assert.equal(tf.getKernel("MaxPoolGrad", "wasm")!.kernelFunc, fast);
});

Deno.test("wasm MaxPoolGrad: the SIMD kernel equals the JavaScript loop bit for bit (ties, −∞, NaN, ±0, channel tails, overlapping and padded windows)", () => {
  const backend = tf.findBackend("wasm") as BackendWasm;
  const kernels = heapKernels(backend);
  assert.ok(kernels, "tfjs-backend-wasm's memory is reachable");
  const rng = new Rng(5, "pooling");
  const special = [-Infinity, NaN, 0, -0, Infinity];
  for (const channels of [16, 5, 3, 1]) {
    for (
      const [filter, stride, pad] of [[2, 2, "valid"], [3, 2, "same"], [3, 1, "valid"]] as const
    ) {
      const shape: [number, number, number, number] = [2, 9, 7, channels];
      const info = tf.backend_util.computePool2DInfo(shape, filter, stride, 1, pad);
      const size = shape.reduce((a, b) => a * b);
      const dySize = info.batchSize * info.outHeight * info.outWidth * channels;
      // Few distinct values, so windows have ties; a few special ones.
      const x = tf.tensor(
        Float32Array.from(
          { length: size },
          () => rng.next() < 0.05 ? special[rng.int(special.length)] : rng.int(4) - 1.5,
        ),
        shape,
      );
      const dy = tf.tensor(Float32Array.from({ length: dySize }, () => rng.normal()));
      const outs = [tf.zeros(shape), tf.zeros(shape)];
      const view = (t: tf.Tensor) => backend.typedArrayFromHeap(t as never) as Float32Array;
      maxPoolGradSimd(kernels!, view(x), view(dy), view(outs[0]), info);
      maxPoolGradLoop(view(x), view(dy), view(outs[1]), info);
      const [simd, loop] = outs.map((t) => t.dataSync());
      for (let k = 0; k < size; k++) {
        assert.ok(
          Object.is(simd[k], loop[k]),
          `${channels} channels ${filter}/${stride} ${pad}: [${k}]`,
        );
      }
      assert.ok(loop.some((value) => value !== 0), "the gradient is not all zero");
      tf.dispose([x, dy, ...outs]);
    }
  }
});
