/**
 * Spectral analysis of a mixing matrix: λ2, λN, λ = max(|λ2|, |λN|) and the spectral gap 1 − λ,
 * computed with ml-matrix's `EigenvalueDecomposition`.
 *
 * @module
 */

import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { type MixingMatrix, toDense } from "./mixing.ts";

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
}

function isSymmetric(dense: readonly (readonly number[])[]): boolean {
  return dense.every((row, i) => row.every((value, j) => value === dense[j][i]));
}

/**
 * The spectrum of W: eigenvalues λ1 ≥ λ2 ≥ … ≥ λN sorted by real part (λ1 = 1 for a doubly
 * stochastic W), with λ = max(|λ2|, |λN|) and the gap 1 − λ.
 *
 * A symmetric W (every builder but a user's custom matrix) has real eigenvalues and is
 * decomposed with `assumeSymmetric`. A non-symmetric W may have complex eigenvalues: λ2 and λN
 * are then the real parts of the 2nd and last eigenvalue in that order, and λ is the largest
 * modulus |λ_k| over k ≥ 2, i.e. the second largest modulus.
 *
 * @param matrix the mixing matrix W (at least 2 nodes)
 * @returns λ2, λN, λ and the gap
 * @throws {RangeError} if W has fewer than 2 nodes
 *
 * @example A complete graph mixes in one step
 * ```ts
 * import assert from "node:assert/strict";
 * import { completeTopology, spectralAnalysis, uniformWeights } from "./mod.ts";
 * const { lambda, gap } = spectralAnalysis(uniformWeights(completeTopology(4)));
 * assert.ok(Math.abs(lambda) < 1e-9 && Math.abs(gap - 1) < 1e-9);
 * ```
 */
export function spectralAnalysis(matrix: MixingMatrix): SpectralAnalysis {
  if (matrix.nodes < 2) {
    throw new RangeError(
      `Cannot analyse mixing matrix: needs at least 2 nodes, received ${matrix.nodes}`,
    );
  }
  const dense = toDense(matrix);
  const decomposition = new EigenvalueDecomposition(new Matrix(dense), {
    assumeSymmetric: isSymmetric(dense),
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
  };
}
