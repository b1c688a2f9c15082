/**
 * The reproduction's results as data: one entry per experiment (a paper's setting), each
 * holding its methods' runs over seeds, and the statistics the claims read from them.
 *
 * @module
 */
import type { MetricsRow } from "../metrics/rows.ts";
import { type MeanStd, meanStd as meanStdOf } from "../simulation/trials.ts";
import type { MethodResult } from "./tuning.ts";

/** One experiment of a paper: its setting and its methods' results. */
export interface ExperimentResult {
  /** A short id, e.g. `"003-mlp-1"`. */
  id: string;
  /** The paper section it reproduces, in words. */
  title: string;
  /** Its scale in words (nodes, data, steps, batch, grid). */
  setup: string;
  /** The metric its plots and claims read for accuracy (`accuracy` or `nodeAccuracyMean`). */
  accuracyKey: "accuracy" | "nodeAccuracyMean";
  /** Its methods, each over every seed. */
  methods: (MethodResult & { epochsPerStep?: number })[];
  /** Wall-clock milliseconds it took, tuning included. */
  wallMs: number;
}

/** Every experiment by id. */
export type Results = Record<string, ExperimentResult>;

export type { MeanStd };

/**
 * Mean ± sample std of `values`, skipping null and non-finite ones.
 *
 * @returns the statistics, or null when no value is left
 */
export function meanStd(values: readonly (number | null)[]): MeanStd | null {
  return meanStdOf(values.filter((v): v is number => v !== null && Number.isFinite(v)));
}

/**
 * The method `label` of experiment `id`.
 *
 * @throws {RangeError} when either is missing (a claim reading an experiment never run)
 */
export function methodOf(
  results: Results,
  id: string,
  label: string,
): ExperimentResult["methods"][number] {
  const experiment = results[id];
  const method = experiment?.methods.find((m) => m.label === label);
  if (!method) {
    throw new RangeError(
      `Cannot read results: no method "${label}" in experiment "${id}", received ${
        experiment ? experiment.methods.map((m) => m.label).join(", ") : "no such experiment"
      }`,
    );
  }
  return method;
}

/**
 * A statistic of each seed's run of a method, over seeds.
 *
 * @param results every experiment
 * @param id the experiment
 * @param label the method
 * @param statistic what to read from one seed's rows (null when it has no value)
 * @returns one value per seed
 */
export function perSeed(
  results: Results,
  id: string,
  label: string,
  statistic: (rows: MetricsRow[]) => number | null,
): (number | null)[] {
  return methodOf(results, id, label).runs.map((run) => run.diverged ? null : statistic(run.rows));
}

/**
 * The mean over seeds of a metric at each evaluated step, for plots: one row per step with
 * the method's label as `algorithm`, the step scaled by `epochsPerStep` when given, and the
 * value under `as` (default `key`).
 */
export function meanCurve(
  method: ExperimentResult["methods"][number],
  key: string,
  as: string = key,
): { algorithm: string; step: number; [key: string]: number | string }[] {
  const steps = new Map<number, number[]>();
  for (const run of method.runs) {
    for (const row of run.rows) {
      const value = (row as unknown as Record<string, unknown>)[key];
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      steps.set(row.step, [...(steps.get(row.step) ?? []), value]);
    }
  }
  const scale = method.epochsPerStep ?? 1;
  return [...steps].sort(([a], [b]) => a - b).map(([step, values]) => ({
    algorithm: method.label,
    step: step * scale,
    [as]: values.reduce((a, b) => a + b, 0) / values.length,
  }));
}
