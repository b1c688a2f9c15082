/**
 * The Lanczos three-term recurrence on a {@linkcode SparseOperator}, one fused kernel per step.
 * Private to `topologies/`.
 *
 * Speed matters here (a 100,000-node ring needs ~50,000 steps), so a step is two passes over
 * the nodes: (1) u = W v − β v_prev together with α = vᵀu and the sums Σ u_i, Σ v_i, which give
 * the projection on a uniform deflated vector d = 1/√N (a general d costs one more pass of dot
 * products); (2) u ← u − α v − c d together with ‖u‖. The new vector is not divided by β in a
 * third pass: each vector carries a scale factor instead. About 0.4 ms per step for 100,000
 * nodes of a ring.
 *
 * @module
 */

import { Rng } from "../random.ts";
import type { SparseOperator } from "./_sparse.ts";

/** The stream name of the start vector: a given seed always starts from the same vector. */
export const LANCZOS_STREAM = "topologies/spectral/lanczos";

/** The seeded start vector, orthogonal to `deflate` (a unit vector) when given, unit length. */
function startVector(nodes: number, deflate: Float64Array | null, seed: number): Float64Array {
  const rng = new Rng(seed, LANCZOS_STREAM);
  const v = Float64Array.from({ length: nodes }, () => rng.normal());
  if (deflate) {
    let c = 0;
    for (let i = 0; i < nodes; i++) c += deflate[i] * v[i];
    for (let i = 0; i < nodes; i++) v[i] -= c * deflate[i];
  }
  let norm = 0;
  for (let i = 0; i < nodes; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm);
  for (let i = 0; i < nodes; i++) v[i] /= norm;
  return v;
}

/** Rows per kernel call. */
const CHUNK = 2048;

/**
 * Pass 1 of a step on rows `start … end − 1`: w = W (xScale · x) − bp · p, adding α = vᵀw,
 * Σ w_i and Σ v_i into `dots` (the sums give the projection on the all-ones vector without
 * reading a vector). `r` is the index of the first row ≥ start in `op.extraRows`.
 *
 * Two V8 facts shape this: the ELL part is unrolled for widths 1–5 (a loop with a variable trip
 * count runs ~3× slower), and the nodes are walked in chunks, so that the kernel is called
 * often, gets fully optimised early, and never runs as on-stack-replaced code (which kept
 * deoptimising at the stores after the loop, or fell back to a slower tier: ~1.6× slower).
 */
function productChunk(
  op: SparseOperator,
  start: number,
  end: number,
  r: number,
  x: Float64Array,
  xScale: number,
  p: Float64Array,
  bp: number,
  w: Float64Array,
  dots: Float64Array,
): void {
  const { width, ellColumns: c, ellValues: a } = op;
  const { extraRows, extraStart, extraColumns, extraValues } = op;
  const extraCount = extraRows.length;
  let alpha = 0;
  let sumW = 0;
  let sumV = 0;
  let nextExtra = r < extraCount ? extraRows[r] : -1;
  for (let i = start, e = start * width; i < end; i++) {
    let acc = 0;
    switch (width) {
      case 1:
        acc = a[e] * x[c[e]];
        break;
      case 2:
        acc = a[e] * x[c[e]] + a[e + 1] * x[c[e + 1]];
        break;
      case 3:
        acc = a[e] * x[c[e]] + a[e + 1] * x[c[e + 1]] + a[e + 2] * x[c[e + 2]];
        break;
      case 4:
        acc = a[e] * x[c[e]] + a[e + 1] * x[c[e + 1]] + a[e + 2] * x[c[e + 2]] +
          a[e + 3] * x[c[e + 3]];
        break;
      case 5:
        acc = a[e] * x[c[e]] + a[e + 1] * x[c[e + 1]] + a[e + 2] * x[c[e + 2]] +
          a[e + 3] * x[c[e + 3]] + a[e + 4] * x[c[e + 4]];
        break;
      default:
        for (let q = 0; q < width; q++) acc += a[e + q] * x[c[e + q]];
    }
    e += width;
    if (i === nextExtra) {
      const last = extraStart[r + 1];
      for (let f = extraStart[r]; f < last; f++) acc += extraValues[f] * x[extraColumns[f]];
      r++;
      nextExtra = r < extraCount ? extraRows[r] : -1;
    }
    const xi = x[i] * xScale;
    const value = acc * xScale - bp * p[i];
    w[i] = value;
    alpha += value * xi;
    sumW += value;
    sumV += xi;
  }
  dots[0] += alpha;
  dots[1] += sumW;
  dots[2] += sumV;
}

/** Pass 2 for no or uniform deflation, rows `start … end − 1`: w ← w − a · x − m; returns ‖w‖². */
function updateChunk(
  start: number,
  end: number,
  w: Float64Array,
  a: number,
  x: Float64Array,
  m: number,
): number {
  let norm2 = 0;
  for (let i = start; i < end; i++) {
    const value = w[i] - a * x[i] - m;
    w[i] = value;
    norm2 += value * value;
  }
  return norm2;
}

/** Adds [dᵀw, dᵀx] over rows `start … end − 1` into `dots[1]`, `dots[2]` (x scaled by xScale). */
function projectChunk(
  start: number,
  end: number,
  w: Float64Array,
  x: Float64Array,
  xScale: number,
  d: Float64Array,
  dots: Float64Array,
): void {
  let dw = 0;
  let dx = 0;
  for (let i = start; i < end; i++) {
    dw += d[i] * w[i];
    dx += d[i] * x[i];
  }
  dots[1] += dw;
  dots[2] += dx * xScale;
}

/** Pass 2 for a general deflated vector d: w ← w − a · x − c · d; returns ‖w‖². */
function updateVectorChunk(
  start: number,
  end: number,
  w: Float64Array,
  a: number,
  x: Float64Array,
  c: number,
  d: Float64Array,
): number {
  let norm2 = 0;
  for (let i = start; i < end; i++) {
    const value = w[i] - a * x[i] - c * d[i];
    w[i] = value;
    norm2 += value * value;
  }
  return norm2;
}

/** A running Lanczos recurrence. */
export interface LanczosRecurrence {
  /** One step: returns [α_j, β_j] and moves to v_{j+1} (unchanged when β_j = 0). */
  step(): [number, number];
  /** Adds `factor` · v_j (the newest Lanczos vector) to `y`. */
  addTo(y: Float64Array, factor: number): void;
}

/**
 * Starts the recurrence on W restricted to the complement of `deflate` (a unit eigenvector of
 * W, or null), from the start vector of `seed`: two recurrences on the same arguments produce
 * the same vectors bit for bit.
 */
export function lanczosRecurrence(
  op: SparseOperator,
  deflate: Float64Array | null,
  seed: number,
): LanczosRecurrence {
  const nodes = op.nodes;
  // A uniform d (the all-ones vector / √N) needs no array: dᵀw = δ Σ w_i.
  const uniform = deflate === null ? 0 : deflate.every((x) => x === deflate[0]) ? deflate[0] : NaN;
  const d = Number.isNaN(uniform) ? deflate! : null;
  let v: Float64Array = startVector(nodes, deflate, seed);
  let vScale = 1; // the Lanczos vector v_j is vScale · v
  let previous: Float64Array = new Float64Array(nodes);
  let previousScale = 0;
  let u: Float64Array = new Float64Array(nodes);
  let beta = 0;
  const dots = new Float64Array(3);
  const chunks = Math.ceil(nodes / CHUNK);
  // firstExtra[k]: index in op.extraRows of the first row of chunk k or later.
  const firstExtra = new Int32Array(chunks + 1);
  for (let k = 0, r = 0; k <= chunks; k++) {
    while (r < op.extraRows.length && op.extraRows[r] < k * CHUNK) r++;
    firstExtra[k] = r;
  }
  const ends = Array.from({ length: chunks }, (_, k) => Math.min(nodes, (k + 1) * CHUNK));

  function step(): [number, number] {
    dots.fill(0);
    const bp = beta * previousScale;
    for (let k = 0; k < chunks; k++) {
      productChunk(op, k * CHUNK, ends[k], firstExtra[k], v, vScale, previous, bp, u, dots);
    }
    const alpha = dots[0];
    if (d) {
      dots[1] = dots[2] = 0;
      for (let k = 0; k < chunks; k++) projectChunk(k * CHUNK, ends[k], u, v, vScale, d, dots);
    } else {
      dots[1] *= uniform;
      dots[2] *= uniform;
    }
    // c = dᵀ(u − α v): removing it in the same pass as α v keeps a rounding-level component of
    // v along d from being amplified by α/β at every step.
    const c = dots[1] - alpha * dots[2];
    const a = alpha * vScale;
    let norm2 = 0;
    for (let k = 0; k < chunks; k++) {
      norm2 += d
        ? updateVectorChunk(k * CHUNK, ends[k], u, a, v, c, d)
        : updateChunk(k * CHUNK, ends[k], u, a, v, c * uniform);
    }
    const next = Math.sqrt(norm2);
    if (next > 0) {
      [previous, previousScale, v, vScale, u, beta] = [v, vScale, u, 1 / next, previous, next];
    }
    return [alpha, next];
  }

  function addTo(y: Float64Array, factor: number): void {
    const scaled = factor * vScale;
    for (let i = 0; i < nodes; i++) y[i] += scaled * v[i];
  }

  return { step, addTo };
}
