/**
 * The extreme eigenvalues of a large sparse symmetric W by the Lanczos iteration, using only
 * products W·x. Private to `topologies/`; {@linkcode spectralAnalysis} is the public entry point.
 *
 * Why no stored basis: the graphs whose spectra are hard (rings, paths, tori: gaps ~ 1/N²)
 * need a Krylov space of dimension ~N/2 before λ2 is resolved, whatever the method; keeping
 * those vectors (full or selective reorthogonalisation) would take O(N²) memory, and restarting
 * with a short basis stalls on such gaps. So this is the plain three-term recurrence with O(N)
 * memory (Cullum–Willoughby style): loss of orthogonality only duplicates converged Ritz values
 * ("ghosts"), and Paige's analysis keeps every Ritz value within [λ_min, λ_max] (up to
 * rounding), so the extreme Ritz values converge monotonically to the extreme eigenvalues. The
 * only vector kept orthogonal is a known eigenvector `deflate` (the all-ones vector of a doubly
 * stochastic W), projected out at every step, so the top of the spectrum seen is λ2.
 *
 * Convergence is judged on the Lanczos residual estimate β_k |s_k| = ‖W y − θ y‖ of each wanted
 * Ritz pair (θ, y = V s), which holds in finite precision up to O(ε‖W‖) (Paige); T's extreme
 * eigenvalues come from Sturm bisection and s from inverse iteration, both O(k).
 *
 * @module
 */

import type { SparseOperator } from "./_sparse.ts";
import { lanczosRecurrence } from "./_lanczos_step.ts";
import { eigenvector, extremeEigenvalue, type Tridiagonal } from "./_tridiagonal.ts";

/** A Ritz value and its residual estimate ‖W y − θ y‖ (unit y). */
export interface RitzEstimate {
  /** θ. */
  readonly value: number;
  /** ‖W y − θ y‖. */
  readonly residual: number;
}

/** What {@linkcode lanczosExtremes} found. */
export interface LanczosExtremes {
  /** The largest Ritz value (λ_max of W on the complement of `deflate`). */
  readonly top: RitzEstimate;
  /** The smallest Ritz value (λ_min). */
  readonly bottom: RitzEstimate;
  /** Lanczos steps taken. */
  readonly iterations: number;
  /** Whether every wanted residual reached the tolerance. */
  readonly converged: boolean;
  /** The eigenvector s of T for `top` (its Ritz vector is V s), when asked for. */
  readonly topCoefficients?: Float64Array;
}

/** How long to iterate and which ends must converge. */
export interface LanczosSettings {
  /** Residual target for each wanted Ritz pair. */
  readonly tolerance: number;
  /** Hard cap on Lanczos steps. */
  readonly maxIterations: number;
  /** Require the top Ritz pair to converge. */
  readonly wantTop: boolean;
  /** Require the bottom Ritz pair to converge. */
  readonly wantBottom: boolean;
  /** Return s for the top Ritz value. */
  readonly keepTopCoefficients?: boolean;
  /** Seed of the start vector (default 0). */
  readonly seed?: number;
}

/** A copy of `x` with twice the length (at most `cap`). */
function grow(x: Float64Array, cap: number): Float64Array {
  const bigger = new Float64Array(Math.min(cap, 2 * x.length));
  bigger.set(x);
  return bigger;
}

/** θ and the residual estimate β_k |s_k| of T's extreme eigenvalue on one side. */
function ritz(t: Tridiagonal, beta: number, which: "max" | "min") {
  const value = extremeEigenvalue(t, which);
  const s = eigenvector(t, value);
  return { value, residual: Math.abs(beta * s[t.k - 1]), s };
}

/**
 * Runs Lanczos on W (restricted to the complement of `deflate`) until the wanted extreme Ritz
 * pairs have residual ≤ tolerance, the Krylov space is invariant (β ≈ 0), or `maxIterations`.
 * Residuals are checked after 8 steps and then every ~5 % more steps, so a run overshoots
 * convergence by at most ~5 %.
 *
 * @param op W, symmetric
 * @param deflate a unit eigenvector of W to project out, or null
 * @param settings tolerance, cap, which ends to converge
 * @returns the extreme Ritz values with their residual estimates
 */
export function lanczosExtremes(
  op: SparseOperator,
  deflate: Float64Array | null,
  settings: LanczosSettings,
): LanczosExtremes {
  const { tolerance, maxIterations } = settings;
  const recurrence = lanczosRecurrence(op, deflate, settings.seed ?? 0);
  let a: Float64Array = new Float64Array(Math.min(maxIterations, 1024));
  let b: Float64Array = new Float64Array(a.length);
  // β below the rounding noise of one step (a row sums up to maxRowLength products): the Krylov
  // space is invariant, and going on would normalise noise into a non-orthogonal vector.
  const breakdown = (64 + 2 * op.maxRowLength) * Number.EPSILON *
    Math.max(op.normBound, Number.MIN_VALUE);
  let nextCheck = 8;
  for (let k = 1;; k++) {
    if (k > a.length) [a, b] = [grow(a, maxIterations), grow(b, maxIterations)];
    [a[k - 1], b[k - 1]] = recurrence.step();
    const invariant = b[k - 1] <= breakdown;
    if (!invariant && k < maxIterations && k < nextCheck) continue;
    const t = { a, b, k };
    const top = ritz(t, b[k - 1], "max");
    const bottom = ritz(t, b[k - 1], "min");
    const converged = (!settings.wantTop || top.residual <= tolerance) &&
      (!settings.wantBottom || bottom.residual <= tolerance);
    if (converged || invariant || k >= maxIterations) {
      return {
        top: { value: top.value, residual: top.residual },
        bottom: { value: bottom.value, residual: bottom.residual },
        iterations: k,
        converged,
        ...(settings.keepTopCoefficients ? { topCoefficients: top.s } : {}),
      };
    }
    nextCheck = k + Math.max(8, Math.ceil(k / 20));
  }
}

/**
 * The Ritz vector V s for coefficients s from {@linkcode lanczosExtremes} on the same `op`,
 * `deflate` and `seed`: the recurrence is replayed (bit for bit the same vectors) and summed, so
 * no basis is ever stored. Returned with unit length.
 */
export function ritzVector(
  op: SparseOperator,
  deflate: Float64Array | null,
  s: Float64Array,
  seed = 0,
): Float64Array {
  const recurrence = lanczosRecurrence(op, deflate, seed);
  const y = new Float64Array(op.nodes);
  for (let j = 0; j < s.length; j++) {
    if (j > 0) recurrence.step();
    recurrence.addTo(y, s[j]);
  }
  let norm = 0;
  for (let i = 0; i < op.nodes; i++) norm += y[i] * y[i];
  norm = Math.sqrt(norm);
  for (let i = 0; i < op.nodes; i++) y[i] /= norm;
  return y;
}
