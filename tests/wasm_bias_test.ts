import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../problems/tfjs_backend.ts";
import { registerWasmBias, unregisterWasmBias } from "../problems/_wasm_bias.ts";
import { Rng } from "../random.ts";

await initBackend("wasm");

/** A float32 tensor of normal entries with −0, ±Infinity and NaN among them. */
function awkward(shape: number[], rng: Rng): tf.Tensor {
  const special = [-0, 0, Infinity, -Infinity, NaN];
  const length = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from(
      { length },
      () => rng.next() < 0.03 ? special[rng.int(special.length)] : rng.normal(),
    ),
    shape,
  );
}

/** `op`'s result with tfjs-backend-wasm's own kernels and with gossim's, bit for bit. */
function assertSameAsOriginal(label: string, op: () => tf.Tensor): void {
  unregisterWasmBias();
  const original = op();
  registerWasmBias();
  const ours = op();
  assert.deepEqual(ours.shape, original.shape, label);
  const [a, b] = [ours.dataSync(), original.dataSync()];
  for (let k = 0; k < b.length; k++) {
    assert.ok(Object.is(a[k], b[k]), `${label} [${k}]: ${a[k]} vs ${b[k]}`);
  }
  tf.dispose([original, ours]);
}

Deno.test("wasm bias Sum: a run of axes before the last, as tfjs-backend-wasm sums it, bit for bit", () => {
  const rng = new Rng(1, "bias sum");
  const cases: [number[], number[], boolean][] = [
    [[5, 7, 9, 19], [0, 1, 2], false], // a bias's gradient, channel tail of 3
    [[3, 11, 16], [1], false], // per node in a node block
    [[3, 11, 16], [1], true],
    [[13, 6], [0], false],
    [[4, 5, 6, 7], [1, 2], true],
    [[4, 5, 6], [2], false], // the last axis: tfjs's own kernel
    [[4, 5, 6], [0, 2], false], // not one run: tfjs's own kernel
  ];
  for (const [shape, axes, keepDims] of cases) {
    const x = awkward(shape, rng);
    assertSameAsOriginal(
      `sum ${shape} over ${axes}${keepDims ? " keepDims" : ""}`,
      () => tf.sum(x, axes, keepDims),
    );
    x.dispose();
  }
});

Deno.test("wasm bias Add: a tensor broadcast over a run of axes before the last, either operand, bit for bit", () => {
  const rng = new Rng(2, "bias add");
  const cases: [number[], number[]][] = [
    [[5, 7, 9, 19], [19]],
    [[19], [5, 7, 9, 19]],
    [[3, 11, 16], [3, 1, 16]],
    [[3, 1, 16], [3, 11, 16]],
    [[6, 5], [1, 5]],
    [[4, 5, 6], [4, 5, 6]], // same shapes: tfjs's own kernel
    [[4, 5, 6], [4, 5, 1]], // broadcast over the last axis: tfjs's own kernel
  ];
  for (const [shapeA, shapeB] of cases) {
    const [a, b] = [awkward(shapeA, rng), awkward(shapeB, rng)];
    assertSameAsOriginal(`${shapeA} + ${shapeB}`, () => tf.add(a, b));
    tf.dispose([a, b]);
  }
});
