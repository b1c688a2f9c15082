// float32 gradients of dense networks by gossim's own kernels (problems/_dense_gradients.ts),
// checked against the tfjs program that float64 points still take: the same minibatch, the
// same dropout mask bit for bit, the same gradient up to float32 rounding.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import { denseKernels, dropoutMask } from "../problems/_dense_kernels.ts";
import { writeImageRows } from "../problems/_image_rows.ts";
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

Deno.test("spmmNarrowBytes (u16 indices, u8 codes into a table) gives spmmNarrow's bits, both transposes", () => {
  const kernels = denseKernels();
  const rng = new Rng(3, "test/dense/bytes");
  const rows = 7, cols = 300;
  kernels.memory.grow(4);
  const buffer = kernels.memory.buffer;
  const table = new Float32Array(256).map(() => rng.next() * 2 - 1);
  // Compressed rows, both ways: i32/f32 at 0 and 8192, u16/u8 at 16384 and 20480.
  const begins = new Int32Array(buffer, 24576, rows), ends = new Int32Array(buffer, 24608, rows);
  const index32 = new Int32Array(buffer, 0, 2048), value32 = new Float32Array(buffer, 8192, 2048);
  const index16 = new Uint16Array(buffer, 16384, 2048), codes = new Uint8Array(buffer, 20480, 2048);
  new Float32Array(buffer, 24640, 256).set(table);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    begins[r] = n;
    for (let k = 0; k < cols; k++) {
      if (rng.next() < 0.3) {
        const code = Math.floor(rng.next() * 256);
        [index32[n], value32[n], index16[n], codes[n]] = [k, table[code], k, code];
        n++;
      }
    }
    ends[r] = n;
  }
  const b = 65536, out = 131072, f32 = new Float32Array(buffer);
  for (let units = 1; units <= 12; units++) {
    for (const transpose of [0, 1]) {
      const bLength = (transpose ? rows : cols) * units,
        outLength = (transpose ? cols : rows) * units;
      const start = new Float32Array(outLength).map(() => rng.next() - 0.5);
      f32.set(new Float32Array(bLength + 4).map(() => rng.next() - 0.5), b >> 2);
      const run = (bytes: boolean) => {
        f32.set(start, out >> 2);
        if (bytes) {
          kernels.spmmNarrowBytes(
            24576,
            24608,
            16384,
            20480,
            rows,
            b,
            units,
            out,
            transpose,
            24640,
          );
        } else kernels.spmmNarrow(24576, 24608, 0, 8192, rows, b, units, out, transpose);
        return f32.slice(out >> 2, (out >> 2) + outLength + 4);
      };
      const plain = run(false);
      assert.deepEqual(run(true), plain, `units ${units}, transpose ${transpose}`);
      assert.notDeepEqual(plain.subarray(0, outLength), start, "the product changed out");
    }
  }
});

Deno.test("image rows: in bytes with a table when the nonzero pixels take at most 256 values, else plain", () => {
  const size = 40, count = 30;
  const rng = new Rng(4, "test/dense/images");
  const images = (distinct: number) =>
    Float32Array.from(
      { length: size * count },
      () => rng.next() < 0.4 ? 0 : (1 + Math.floor(rng.next() * distinct)) / distinct,
    );
  for (
    const [distinct, narrow, bytes] of [[255, true, true], [300, true, false], [
      255,
      false,
      false,
    ]] as const
  ) {
    const pixels = images(distinct);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const rows = writeImageRows(pixels, size, narrow, memory);
    assert.equal(rows.table !== 0, bytes, `${distinct} values, narrow ${narrow}`);
    const last = bytes ? rows.table + 1024 : rows.value + 4 * rows.starts[count];
    assert.ok(last <= rows.end && rows.end <= memory.buffer.byteLength, "within the memory");
    const nonzeros = rows.starts[count];
    const index = bytes
      ? new Uint16Array(memory.buffer, rows.index, nonzeros)
      : new Int32Array(memory.buffer, rows.index, nonzeros);
    const table = new Float32Array(memory.buffer, rows.table, 256);
    const value = (j: number) =>
      bytes
        ? table[new Uint8Array(memory.buffer, rows.value, nonzeros)[j]]
        : new Float32Array(memory.buffer, rows.value, nonzeros)[j];
    // Decoding the rows gives the images back, entry for entry.
    const decoded = new Float32Array(size * count);
    for (let r = 0; r < count; r++) {
      for (let j = rows.starts[r]; j < rows.starts[r + 1]; j++) {
        decoded[r * size + index[j]] = value(j);
      }
    }
    assert.deepEqual(decoded, pixels);
  }
});
