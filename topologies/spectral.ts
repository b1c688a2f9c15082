/**
 * Spectral analysis of a mixing matrix: λ2, λN, λ = max(|λ2|, |λN|) and the spectral gap 1 − λ.
 * Small matrices are decomposed densely (ml-matrix's `EigenvalueDecomposition`, O(N³)); large
 * symmetric ones go to a sparse Lanczos iteration that only multiplies by W's rows (O(N)
 * memory), so any size the simulator can hold can be analysed.
 *
 * @module
 */

import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { type MixingMatrix, toDense } from "./mixing.ts";
import {
  findAsymmetry,
  multiply,
  type SortedRows,
  sortedRows,
  stochasticDefect,
  toSparseOperator,
} from "./_sparse.ts";
import { lanczosExtremes, ritzVector } from "./_lanczos.ts";

/** The spectral quantities every run reports (ALGORITHMS.md §1). */
export interface SpectralAnalysis {
  /** λ2, the second eigenvalue in descending order of real part (its real part). */
  readonly lambda2: number;
  /** λN, the last eigenvalue in descending order of real part (its real part). */
  readonly lambdaN: number;
  /**
   * λ = max(|λ2|, |λN|) for a symmetric W; in general the largest modulus among all eigenvalues
   * but λ1 (the one with the largest real part, 1 for a stochastic W).
   */
  readonly lambda: number;
  /** The spectral gap 1 − λ. */
  readonly gap: number;
  /** How the spectrum was computed: a dense eigendecomposition or the sparse Lanczos iteration. */
  readonly method: "dense" | "lanczos";
  /**
   * The accuracy bound: 0 for `"dense"` (exact up to rounding). For `"lanczos"`, a bound on the
   * residual ‖W y − θ y‖ of the Ritz pairs (θ, y) behind λ2 and λN (the Lanczos estimate,
   * exact up to rounding), so each lies within `tolerance` of an eigenvalue of W; in practice
   * the error is far smaller (squared residual over gap). It is the requested tolerance when the
   * iteration converged, otherwise (iteration cap reached) the larger residual achieved, which
   * is then above the request.
   */
  readonly tolerance: number;
}

/** How {@linkcode spectralAnalysis} computes the spectrum. */
export interface SpectralOptions {
  /**
   * `"auto"` (default): dense for N ≤ {@linkcode DENSE_SPECTRUM_MAX_NODES}; above, Lanczos for a
   * symmetric W, dense for a non-symmetric W up to {@linkcode NON_SYMMETRIC_DENSE_MAX_NODES}
   * nodes, and a RangeError beyond. `"dense"` forces the O(N³)-time, O(N²)-memory
   * decomposition at any N; `"lanczos"` forces the iteration (W must be symmetric).
   */
  readonly method?: "auto" | "dense" | "lanczos";
  /**
   * Lanczos residual target ‖W y − θ y‖ for λ2 and λN (default
   * {@linkcode DEFAULT_SPECTRAL_TOLERANCE}); ignored by the dense method.
   */
  readonly tolerance?: number;
  /**
   * Cap on Lanczos steps per pass (default: 2N + 100, but at most what ~10¹¹ multiply-adds
   * allow, about a minute: 125,000 steps on a 100,000-node ring; and at least 300). A ring
   * needs about N/2 steps, a path about N.
   */
  readonly maxIterations?: number;
}

/** Largest N that `"auto"` decomposes densely (exactly); above it a symmetric W uses Lanczos. */
export const DENSE_SPECTRUM_MAX_NODES = 400;

/** Largest N for which `"auto"` decomposes a non-symmetric W densely; above it: RangeError. */
export const NON_SYMMETRIC_DENSE_MAX_NODES = 3000;

/** The default Lanczos residual target. */
export const DEFAULT_SPECTRAL_TOLERANCE = 1e-9;

/** W1 = 1 is trusted (and the all-ones vector deflated) when every row sum is this close to 1. */
const STOCHASTIC_DEFECT = 1e-12;

/** The multiply-add budget behind the default `maxIterations`. */
const WORK_BUDGET = 1e11;

function fail(reason: string): never {
  throw new RangeError(`Cannot analyse mixing matrix: ${reason}`);
}

function dense(matrix: MixingMatrix, symmetric: boolean): SpectralAnalysis {
  const decomposition = new EigenvalueDecomposition(new Matrix(toDense(matrix)), {
    assumeSymmetric: symmetric,
  });
  const imaginary = decomposition.imaginaryEigenvalues;
  const eigenvalues = decomposition.realEigenvalues
    .map((re, k) => ({ re, im: imaginary[k] }))
    .sort((a, b) => b.re - a.re || b.im - a.im);
  const lambda = eigenvalues.slice(1).reduce(
    (max, { re, im }) => Math.max(max, Math.hypot(re, im)),
    0,
  );
  return {
    lambda2: eigenvalues[1].re,
    lambdaN: eigenvalues[eigenvalues.length - 1].re,
    lambda,
    gap: 1 - lambda,
    method: "dense",
    tolerance: 0,
  };
}

/** λ2 and λN of a symmetric W with their residual bounds, by Lanczos. */
function lanczos(rows: SortedRows, tolerance: number, maxIterations: number) {
  const op = toSparseOperator(rows);
  const n = op.nodes;
  const defect = stochasticDefect(rows);
  if (defect <= STOCHASTIC_DEFECT) {
    // λ1 = 1 with eigenvector 1/√N (Perron–Frobenius): deflate it; the top of the rest is λ2.
    // Deflating 1/√N, whose residual ‖W u − u‖ is at most `defect`, adds `defect` to each bound.
    const ones = new Float64Array(n).fill(1 / Math.sqrt(n));
    const target = Math.max(tolerance - defect, tolerance / 2);
    const run = lanczosExtremes(op, ones, {
      tolerance: target,
      maxIterations,
      wantTop: true,
      wantBottom: true,
    });
    return {
      lambda2: run.top.value,
      lambdaN: run.bottom.value,
      residual2: run.top.residual + defect,
      residualN: run.bottom.residual + defect,
    };
  }
  // Unknown top eigenvector: find λ1 and λN, rebuild λ1's Ritz vector by replaying the
  // recurrence, then deflate it; its exact residual r1 adds to λ2's bound (W symmetric).
  const first = lanczosExtremes(op, null, {
    tolerance: tolerance / 2,
    maxIterations,
    wantTop: true,
    wantBottom: true,
    keepTopCoefficients: true,
  });
  const y1 = ritzVector(op, null, first.topCoefficients!);
  const wy = new Float64Array(n);
  multiply(op, y1, wy);
  let theta = 0;
  for (let i = 0; i < n; i++) theta += y1[i] * wy[i];
  let r1 = 0;
  for (let i = 0; i < n; i++) r1 += (wy[i] - theta * y1[i]) ** 2;
  // A fresh start vector: the first one's component in λ1's eigenspace is y1 itself, so with
  // it a repeated λ1 (λ2 = λ1) would be invisible once y1 is projected out.
  const second = lanczosExtremes(op, y1, {
    tolerance: tolerance / 2,
    maxIterations,
    wantTop: true,
    wantBottom: false,
    seed: 1,
  });
  return {
    lambda2: second.top.value,
    lambdaN: first.bottom.value,
    residual2: second.top.residual + Math.sqrt(r1),
    residualN: first.bottom.residual,
  };
}

function checkOptions(options: SpectralOptions, nodes: number, entries: number) {
  const { method = "auto", tolerance = DEFAULT_SPECTRAL_TOLERANCE } = options;
  if (!["auto", "dense", "lanczos"].includes(method)) {
    fail(`method must be "auto", "dense" or "lanczos", received ${JSON.stringify(method)}`);
  }
  if (typeof tolerance !== "number" || !(tolerance > 0 && tolerance < Infinity)) {
    fail(`tolerance must be a finite number > 0, received ${tolerance}`);
  }
  const budget = Math.floor(WORK_BUDGET / (entries + 5 * nodes));
  const { maxIterations = Math.min(2 * nodes + 100, Math.max(300, budget)) } = options;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    fail(`maxIterations must be an integer ≥ 1, received ${maxIterations}`);
  }
  return { method, tolerance, maxIterations };
}

/**
 * The spectrum of W: eigenvalues λ1 ≥ λ2 ≥ … ≥ λN sorted by real part (λ1 = 1 for a doubly
 * stochastic W), with λ = max(|λ2|, |λN|) and the gap 1 − λ.
 *
 * Dense (N ≤ {@linkcode DENSE_SPECTRUM_MAX_NODES} by default): a symmetric W (every builder but
 * a user's custom matrix) has real eigenvalues and is decomposed with `assumeSymmetric`. A
 * non-symmetric W may have complex eigenvalues: λ2 and λN are then the real parts of the 2nd and
 * last eigenvalue in that order, and λ is the largest modulus |λ_k| over k ≥ 2, i.e. the second
 * largest modulus.
 *
 * Lanczos (a symmetric W above that size, or `method: "lanczos"`): the extreme eigenvalues by
 * the Lanczos iteration on W's rows, from a seeded start vector (the same result every run).
 * For W ≥ 0 with W1 = 1 the all-ones eigenvector (λ1 = 1) is projected out, so the largest
 * remaining eigenvalue is λ2; otherwise λ1's Ritz vector is computed first and deflated. It
 * stops when both Ritz pairs have residual ≤ `tolerance`, or at `maxIterations` with the best
 * estimate and the achieved residual reported as {@linkcode SpectralAnalysis.tolerance}.
 * Costs O(N + entries) memory and O(N + entries) time per step; well-connected graphs
 * converge in tens to hundreds of steps (Erdős–Rényi with 10,000 nodes: ~0.2 s), a torus in a
 * few hundred, while a ring needs about N/2 steps and a path about N (gaps ~1/N²): a
 * 100,000-node ring takes ~20 s.
 *
 * @param matrix the mixing matrix W (at least 2 nodes)
 * @param options method, Lanczos tolerance and iteration cap
 * @returns λ2, λN, λ, the gap, the method used and its accuracy bound
 * @throws {RangeError} if W has fewer than 2 nodes, a non-finite weight or a bad option; if
 *   `"lanczos"` is forced on a non-symmetric W; or if `"auto"` meets a non-symmetric W above
 *   {@linkcode NON_SYMMETRIC_DENSE_MAX_NODES} nodes (its spectrum is not supported there)
 *
 * @example A complete graph mixes in one step
 * ```ts
 * import assert from "node:assert/strict";
 * import { completeTopology, spectralAnalysis, uniformWeights } from "./mod.ts";
 * const { lambda, gap } = spectralAnalysis(uniformWeights(completeTopology(4)));
 * assert.ok(Math.abs(lambda) < 1e-9 && Math.abs(gap - 1) < 1e-9);
 * ```
 *
 * @example A large ring, by Lanczos
 * ```ts
 * import assert from "node:assert/strict";
 * import { metropolisHastings, ringTopology, spectralAnalysis } from "./mod.ts";
 * const n = 2000;
 * const result = spectralAnalysis(metropolisHastings(ringTopology(n)));
 * assert.equal(result.method, "lanczos");
 * const exact = 1 / 3 + (2 / 3) * Math.cos((2 * Math.PI) / n);
 * assert.ok(Math.abs(result.lambda2 - exact) <= result.tolerance);
 * ```
 */
export function spectralAnalysis(
  matrix: MixingMatrix,
  options: SpectralOptions = {},
): SpectralAnalysis {
  if (matrix.nodes < 2) fail(`needs at least 2 nodes, received ${matrix.nodes}`);
  if (matrix.rows.length !== matrix.nodes) {
    fail(`has ${matrix.nodes} nodes but ${matrix.rows.length} rows, expected one row per node`);
  }
  const rows = sortedRows(matrix);
  const entries = rows.reduce((sum, row) => sum + row.indices.length, 0);
  const { method, tolerance, maxIterations } = checkOptions(options, matrix.nodes, entries);
  const asymmetry = findAsymmetry(rows);
  const pair = asymmetry &&
    `W[${asymmetry.i}][${asymmetry.j}] = ${asymmetry.wij} but W[${asymmetry.j}][${asymmetry.i}] = ${asymmetry.wji}`;
  if (method === "dense" || (method === "auto" && matrix.nodes <= DENSE_SPECTRUM_MAX_NODES)) {
    return dense(matrix, !asymmetry);
  }
  if (asymmetry) {
    if (method === "lanczos") fail(`the Lanczos method needs a symmetric W, received ${pair}`);
    if (matrix.nodes <= NON_SYMMETRIC_DENSE_MAX_NODES) return dense(matrix, false);
    fail(
      `the spectrum of a non-symmetric W is only supported up to ${NON_SYMMETRIC_DENSE_MAX_NODES} nodes (dense), received ${matrix.nodes} nodes with ${pair}`,
    );
  }
  const { lambda2, lambdaN, residual2, residualN } = lanczos(rows, tolerance, maxIterations);
  const achieved = Math.max(residual2, residualN);
  const lambda = Math.max(Math.abs(lambda2), Math.abs(lambdaN));
  return {
    lambda2,
    lambdaN,
    lambda,
    gap: 1 - lambda,
    method: "lanczos",
    tolerance: achieved <= tolerance ? tolerance : achieved,
  };
}
