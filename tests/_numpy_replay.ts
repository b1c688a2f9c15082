/**
 * The exactness test's half on gossim's side (tests/numpy_baseline_test.ts): a float64 MNIST
 * problem whose minibatch rows are drawn by gossim's own sampler from the engine's streams and
 * recorded, so that bench/numpy_baseline.py can replay the very same minibatches; and the
 * files the script's `--replay` reads.
 *
 * @module
 */
import type { Vector } from "../mod.ts";
import type { Problem } from "../problems/problem.ts";
import { MinibatchSampler } from "../problems/_minibatch.ts";
import type { ImageSet } from "../problems/_mnist_subsets.ts";

/** The dense models of problems/models.ts, as layer widths (no dropout: see the test). */
export const WIDTHS: Record<"softmax" | "mlp", number[]> = {
  softmax: [784, 10],
  mlp: [784, 200, 10],
};

/**
 * Mean softmax cross-entropy of a dense ReLU network over `rows` and its gradient, in float64,
 * in gossim's flat layout (each layer's kernel [in, out] row-major, then its bias).
 */
export function denseGradient(
  widths: readonly number[],
  x: Vector,
  out: Vector,
  data: ImageSet,
  rows: ArrayLike<number>,
): number {
  out.fill(0);
  const offsets: number[] = [];
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    offsets.push(at);
    at += (widths[l] + 1) * widths[l + 1];
  }
  let loss = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const acts = [Float64Array.from(data.images.subarray(row * 784, row * 784 + 784))];
    for (let l = 0; l + 1 < widths.length; l++) {
      const [n, m, o] = [widths[l], widths[l + 1], offsets[l]];
      const z = Float64Array.from(x.subarray(o + n * m, o + n * m + m));
      const a = acts[l];
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) z[j] += a[i] * x[o + i * m + j];
      if (l + 2 < widths.length) { for (let j = 0; j < m; j++) z[j] = Math.max(z[j], 0); }
      acts.push(z);
    }
    const logits = acts[acts.length - 1];
    const top = Math.max(...logits);
    const exps = logits.map((z) => Math.exp(z - top));
    const total = exps.reduce((s, e) => s + e, 0);
    const label = data.labels[row];
    loss += Math.log(total) - (logits[label] - top);
    let delta = exps.map((e, j) => (e / total - (j === label ? 1 : 0)) / rows.length);
    for (let l = widths.length - 2; l >= 0; l--) {
      const [n, m, o] = [widths[l], widths[l + 1], offsets[l]];
      const a = acts[l];
      const back = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < m; j++) {
          out[o + i * m + j] += a[i] * delta[j];
          sum += x[o + i * m + j] * delta[j];
        }
        back[i] = l > 0 && a[i] > 0 ? sum : 0;
      }
      for (let j = 0; j < m; j++) out[o + n * m + j] += delta[j];
      delta = back;
    }
  }
  return loss / rows.length;
}

/** A float64 problem on `data` (node i holds rows [i·P, (i+1)·P)) that records its minibatches. */
export function recordingProblem(
  widths: readonly number[],
  data: ImageSet,
  nodes: number,
  batch: number,
  x0: Float64Array,
): Problem & { batches: number[][][] } {
  const perNode = Math.floor(data.labels.length / nodes);
  const samplers = Array.from({ length: nodes }, () => new MinibatchSampler(perNode, batch));
  const batches: number[][][] = Array.from({ length: nodes }, () => []);
  const all = Array.from({ length: nodes * perNode }, (_, k) => k);
  return {
    name: `numpy-replay(${widths.join("-")})`,
    dim: x0.length,
    nodes,
    layers: [{ name: "x", offset: 0, size: x0.length }],
    batches,
    batchSize: batch,
    initialParams: () => x0.slice(),
    gradient(node, x, out, rng) {
      const rows = Array.from(samplers[node].draw(rng), (p) => node * perNode + p);
      batches[node].push(rows);
      return denseGradient(widths, x, out, data, rows);
    },
    loss: (x) => denseGradient(widths, x, new Float64Array(x.length), data, all),
    fullGradient: (x, out) => void denseGradient(widths, x, out, data, all),
    samples: () => perNode,
  };
}

/** Writes the script's `--replay` folder: manifest, images, labels, x0 and the minibatches. */
export function writeReplay(
  dir: string,
  spec: { model: string; nodes: number; steps: number; batch: number; fullGradient?: boolean },
  data: ImageSet,
  x0: Float64Array,
  batches: number[][][] = [],
): void {
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  Deno.writeTextFileSync(`${dir}/manifest.json`, JSON.stringify(spec));
  Deno.writeFileSync(`${dir}/images.f64`, bytes(Float64Array.from(data.images)));
  Deno.writeFileSync(`${dir}/labels.u8`, data.labels);
  Deno.writeFileSync(`${dir}/x0.f64`, bytes(x0));
  const rows: number[] = [];
  for (let t = 0; t < spec.steps; t++) {
    for (let i = 0; i < spec.nodes; i++) rows.push(...batches[i][t]);
  }
  Deno.writeFileSync(`${dir}/batches.i32`, bytes(Int32Array.from(rows)));
}
