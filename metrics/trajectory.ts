/**
 * Summaries of one run's metrics rows over time, as the papers' claims read them: a metric
 * averaged over the last evaluations (seed 004's degree of consensus, "the mean accuracy for
 * the last epochs"), its fluctuation there (the standard deviation of those values), and the
 * step (iteration or round) at which a metric first reaches a target (seed 003's "rounds to
 * reach Fed-AMS's accuracy at round 16").
 *
 * Rows whose value is null, missing or not finite are skipped.
 *
 * @module
 */

/** The values of `key` in `rows`, in order, skipping null, missing and non-finite ones. */
function valuesOf(rows: readonly object[], key: string): number[] {
  const values: number[] = [];
  for (const row of rows) {
    const value = (row as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isFinite(value)) values.push(value);
  }
  return values;
}

/** Checks that `count` is a positive integer. */
function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `Cannot summarise rows: count must be a positive integer, received ${count}`,
    );
  }
}

/**
 * The last `count` values of `key` (fewer when the rows hold fewer).
 *
 * @param rows metrics rows of one run, in order
 * @param key the metric, e.g. `"accuracySpread"`
 * @param count how many of the last evaluations, a positive integer
 * @returns the values, oldest first
 * @throws {RangeError} when `count` is not a positive integer
 */
export function tailValues(rows: readonly object[], key: string, count: number): number[] {
  checkCount(count);
  return valuesOf(rows, key).slice(-count);
}

/**
 * The mean of `key` over the last `count` evaluations, e.g. seed 004's degree of consensus
 * (best − worst agent accuracy) "computed over the last epochs".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tailMean } from "./trajectory.ts";
 *
 * const rows = [{ step: 1, accuracy: 0.5 }, { step: 2, accuracy: 0.8 }, { step: 3, accuracy: 0.9 }];
 * assert.ok(Math.abs(tailMean(rows, "accuracy", 2)! - 0.85) < 1e-12);
 * ```
 *
 * @param rows metrics rows of one run, in order
 * @param key the metric
 * @param count how many of the last evaluations, a positive integer
 * @returns the mean, or null when no row has a value
 * @throws {RangeError} when `count` is not a positive integer
 */
export function tailMean(rows: readonly object[], key: string, count: number): number | null {
  const values = tailValues(rows, key, count);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * The fluctuation of `key` over the last `count` evaluations: the (population) standard
 * deviation of those values, √((1/n) Σ (v − mean)²). A trend inside the window counts too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tailStd } from "./trajectory.ts";
 *
 * const rows = [0.8, 0.9, 0.8, 0.9].map((accuracy, step) => ({ step, accuracy }));
 * assert.ok(Math.abs(tailStd(rows, "accuracy", 4)! - 0.05) < 1e-12);
 * ```
 *
 * @param rows metrics rows of one run, in order
 * @param key the metric
 * @param count how many of the last evaluations, a positive integer
 * @returns the standard deviation, or null when no row has a value
 * @throws {RangeError} when `count` is not a positive integer
 */
export function tailStd(rows: readonly object[], key: string, count: number): number | null {
  const values = tailValues(rows, key, count);
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

/**
 * The epoch-to-epoch jitter of `key` over the last `count` evaluations: the root mean square
 * of successive differences divided by √2, which equals the standard deviation for independent
 * noise but, unlike {@linkcode tailStd}, hardly counts a slow trend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tailJitter } from "./trajectory.ts";
 *
 * const rising = [0.1, 0.2, 0.3, 0.4].map((accuracy, step) => ({ step, accuracy }));
 * assert.ok(Math.abs(tailJitter(rising, "accuracy", 4)! - 0.1 / Math.SQRT2) < 1e-12);
 * ```
 *
 * @param rows metrics rows of one run, in order
 * @param key the metric
 * @param count how many of the last evaluations, a positive integer
 * @returns the jitter, or null with fewer than two values
 * @throws {RangeError} when `count` is not a positive integer
 */
export function tailJitter(rows: readonly object[], key: string, count: number): number | null {
  const values = tailValues(rows, key, count);
  if (values.length < 2) return null;
  let sum = 0;
  for (let k = 1; k < values.length; k++) sum += (values[k] - values[k - 1]) ** 2;
  return Math.sqrt(sum / (values.length - 1) / 2);
}

/**
 * The first step at which `key` reaches `target` (≥ target, or ≤ target with `goal: "min"`),
 * e.g. the rounds FED-LAMB needs to reach Fed-AMS's accuracy at round 16.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepsToReach } from "./trajectory.ts";
 *
 * const rows = [{ step: 5, accuracy: 0.6 }, { step: 10, accuracy: 0.85 }, { step: 15, accuracy: 0.9 }];
 * assert.equal(stepsToReach(rows, "accuracy", 0.8), 10);
 * assert.equal(stepsToReach(rows, "accuracy", 0.95), null);
 * ```
 *
 * @param rows metrics rows of one run, each with a numeric `step`, in order
 * @param key the metric
 * @param target the value to reach
 * @param goal `"max"` (default: reach at least `target`) or `"min"` (at most)
 * @returns the step, or null when no evaluation reaches it
 * @throws {RangeError} when `target` is not finite
 */
export function stepsToReach(
  rows: readonly object[],
  key: string,
  target: number,
  goal: "max" | "min" = "max",
): number | null {
  if (!Number.isFinite(target)) {
    throw new RangeError(
      `Cannot find the step reaching a target: target must be finite, received ${target}`,
    );
  }
  for (const row of rows) {
    const { step, [key]: value } = row as Record<string, unknown>;
    if (typeof value !== "number" || !Number.isFinite(value) || typeof step !== "number") continue;
    if (goal === "max" ? value >= target : value <= target) return step;
  }
  return null;
}
