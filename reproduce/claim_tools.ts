/**
 * What every claim check shares: the verdict type, the statistics read from one seed's rows,
 * and the formatting of mean ± std.
 *
 * @module
 */
import type { MetricsRow } from "../metrics/rows.ts";
import { tailMean } from "../metrics/trajectory.ts";
import type { MeanStd } from "./results.ts";

/** The verdict of one claim. */
export type Verdict = "pass" | "fail";

/** One line of the report: a paper's claim, what was measured, and the verdict. */
export interface ClaimResult {
  /** `C000-1` … `C004-5` (ALGORITHMS.md §7). */
  id: string;
  /** The claim as ALGORITHMS.md §7 states it. */
  claim: string;
  /** The measured numbers, mean ± std over seeds. */
  numbers: string;
  /** How the verdict is decided from them, fixed before the run. */
  criterion: string;
  /** Pass when every part of the criterion holds. */
  verdict: Verdict;
  /** The settings and tuning behind the numbers (what was tried). */
  tried: string;
}

/** Evaluations averaged into a run's "final" value. */
export const FINAL_WINDOW = 2;

/** A run's final value of `key`: its mean over the last {@linkcode FINAL_WINDOW} evaluations. */
export function finalOf(key: keyof MetricsRow): (rows: MetricsRow[]) => number | null {
  return (rows) => tailMean(rows, key, FINAL_WINDOW);
}

/** A run's mean of `key` over all its evaluations: higher accuracy means faster progress. */
export function trajectoryOf(key: keyof MetricsRow): (rows: MetricsRow[]) => number | null {
  return (rows) => tailMean(rows, key, Math.max(1, rows.length));
}

/** A percentage with one decimal, e.g. `87.3%`. */
export function pct(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** Mean ± std as percentages, e.g. `87.3 ± 1.2%`, or `—`. */
export function pctStd(value: MeanStd | null): string {
  if (!value) return "—";
  return `${(100 * value.mean).toFixed(1)} ± ${(100 * value.std).toFixed(1)}%`;
}

/** Mean ± std with 3 significant digits, e.g. `0.412 ± 0.031`, or `—`. */
export function numStd(value: MeanStd | null, digits = 3): string {
  if (!value) return "—";
  return `${value.mean.toPrecision(digits)} ± ${value.std.toPrecision(2)}`;
}

/** The mean of a statistic, or NaN (which fails every comparison) when there is none. */
export function meanOf(value: MeanStd | null): number {
  return value ? value.mean : Number.NaN;
}

/**
 * A verdict from named conditions, with the failing ones listed.
 *
 * @param parts each condition's description and whether it holds
 * @returns the verdict and a line naming every condition with ✓ or ✗
 */
export function judge(parts: readonly [string, boolean][]): { verdict: Verdict; detail: string } {
  const verdict = parts.every(([, ok]) => ok) ? "pass" : "fail";
  return { verdict, detail: parts.map(([what, ok]) => `${ok ? "✓" : "✗"} ${what}`).join("; ") };
}
