/**
 * The small eigenproblem inside Lanczos: the extreme eigenvalues of a symmetric tridiagonal T
 * (diagonal `a`, off-diagonal `b`, `b[i]` = T[i][i+1]) by Sturm-sequence bisection, and the
 * matching eigenvector by inverse iteration. Both cost O(k) per sweep for a k × k matrix, so T
 * may have tens of thousands of rows. Private to `topologies/`.
 *
 * @module
 */

/** The leading k × k block of a symmetric tridiagonal matrix. */
export interface Tridiagonal {
  /** Diagonal, `a[0 … k − 1]`. */
  readonly a: Float64Array;
  /** Off-diagonal, `b[0 … k − 2]`. */
  readonly b: Float64Array;
  /** Size. */
  readonly k: number;
}

/** Largest |entry| scale of T (a Gershgorin radius), at least the smallest normal double. */
function scale({ a, b, k }: Tridiagonal): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    s = Math.max(
      s,
      Math.abs(a[i]) + (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < k - 1 ? Math.abs(b[i]) : 0),
    );
  }
  return Math.max(s, Number.MIN_VALUE);
}

/** How many eigenvalues of T lie below x (Sturm count of the LDLᵀ pivots of T − xI). */
function countBelow({ a, b, k }: Tridiagonal, x: number, pivotMin: number): number {
  let count = 0;
  let d = a[0] - x;
  for (let i = 0;; i++) {
    if (Math.abs(d) < pivotMin) d = -pivotMin;
    if (d < 0) count++;
    if (i + 1 === k) return count;
    d = a[i + 1] - x - (b[i] * b[i]) / d;
  }
}

/**
 * The largest (`"max"`) or smallest (`"min"`) eigenvalue of T, by bisection to full double
 * precision (at most ~110 Sturm sweeps, each O(k)).
 */
export function extremeEigenvalue(t: Tridiagonal, which: "max" | "min"): number {
  const s = scale(t);
  const pivotMin = s * Number.EPSILON * Number.EPSILON + Number.MIN_VALUE;
  let lo = -s;
  let hi = s;
  for (let step = 0; step < 200; step++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    const below = countBelow(t, mid, pivotMin);
    if (which === "max" ? below === t.k : below >= 1) hi = mid;
    else lo = mid;
  }
  return lo + (hi - lo) / 2;
}

/**
 * Solves (T − θI) x = x in place by Gaussian elimination with partial pivoting; a zero pivot is
 * replaced by `tiny` (θ is an eigenvalue, so that is expected).
 */
function solveShifted({ a, b, k }: Tridiagonal, theta: number, x: Float64Array, tiny: number) {
  const d = new Float64Array(k); // U's diagonal
  const e = new Float64Array(k); // U's first super-diagonal
  const f = new Float64Array(k); // U's second super-diagonal (non-zero after a row swap)
  // The row being eliminated has entries `cd` at column i and `ce` at column i + 1.
  let cd = a[0] - theta;
  let ce = k > 1 ? b[0] : 0;
  for (let i = 0; i < k - 1; i++) {
    const below = b[i];
    const nextDiagonal = a[i + 1] - theta;
    const nextUpper = i + 2 < k ? b[i + 1] : 0;
    if (Math.abs(cd) >= Math.abs(below)) {
      const m = cd === 0 ? 0 : below / cd;
      d[i] = cd;
      e[i] = ce;
      x[i + 1] -= m * x[i];
      cd = nextDiagonal - m * ce;
      ce = nextUpper;
    } else {
      const m = cd / below;
      d[i] = below;
      e[i] = nextDiagonal;
      f[i] = nextUpper;
      const xi = x[i];
      x[i] = x[i + 1];
      x[i + 1] = xi - m * x[i];
      cd = ce - m * nextDiagonal;
      ce = -m * nextUpper;
    }
  }
  d[k - 1] = cd;
  for (let i = k - 1; i >= 0; i--) {
    let value = x[i];
    if (i + 1 < k) value -= e[i] * x[i + 1];
    if (i + 2 < k) value -= f[i] * x[i + 2];
    x[i] = value / (Math.abs(d[i]) < tiny ? (d[i] < 0 ? -tiny : tiny) : d[i]);
  }
}

/**
 * A unit eigenvector of T for its eigenvalue θ (as computed by {@linkcode extremeEigenvalue}),
 * by three steps of inverse iteration from a fixed start.
 */
export function eigenvector(t: Tridiagonal, theta: number): Float64Array {
  const tiny = scale(t) * Number.EPSILON;
  const x = new Float64Array(t.k);
  const startNorm = Math.sqrt(t.k * 1.6); // ≈ ‖start‖: the first sweep's iterate stays finite
  for (let i = 0; i < t.k; i++) x[i] = (1 + ((i * 7) % 11) / 22) / startNorm; // nothing special
  let result = x.slice();
  for (let sweep = 0; sweep < 3; sweep++) {
    solveShifted(t, theta, x, tiny);
    let max = 0;
    for (let i = 0; i < t.k; i++) max = Math.max(max, Math.abs(x[i]));
    if (!(max > 0 && max < Infinity)) break; // keep the last finite iterate
    let norm = 0;
    for (let i = 0; i < t.k; i++) norm += (x[i] / max) ** 2; // scaled: no overflow
    norm = max * Math.sqrt(norm);
    for (let i = 0; i < t.k; i++) x[i] /= norm;
    result = x.slice();
  }
  return result;
}
