/**
 * The trials of a config — seeds × algorithms × swept values, all validated before the first
 * runs — and the statistics over them: mean ± std of the final metrics over seeds, and the
 * best value of a sweep.
 *
 * @module
 */
import { resolveHyperparameters } from "../algorithms/registry.ts";
import type { MetricsRow } from "../metrics/rows.ts";
import type { ActorRunResult } from "../actors/engine.ts";
import type { SpectralAnalysis } from "../topologies/spectral.ts";
import { ConfigError, type SimulationConfig } from "./config.ts";

/** One run a config asks for. */
export interface Trial {
  /** Registry name. */
  name: string;
  /** The name rows and plots use: the algorithm, plus the swept value if any. */
  label: string;
  /** config.seed + repeat index. */
  seed: number;
  /** Resolved hyper-parameters (the swept one set). */
  params: Record<string, unknown>;
  /** The swept value, or null without a sweep. */
  sweepValue: number | null;
}

/** The results of one algorithm (one seed, one swept value) in a simulation. */
export interface AlgorithmRun {
  /** The algorithm's registry name. */
  algorithm: string;
  /** The name rows and plots use: the algorithm, plus the swept value if any. */
  label: string;
  /** The seed of this run (config.seed + repeat index). */
  seed: number;
  /** The value of the swept hyper-parameter in this run, or null without a sweep. */
  sweepValue: number | null;
  /** Its resolved hyper-parameters. */
  params: Record<string, unknown>;
  /** One row per evaluation (actor runs add virtual time and network columns). */
  rows: MetricsRow[];
  /** Actor engine only: per-node step counts, network counters, missed deadlines. */
  actors: Omit<ActorRunResult, "rows" | "models"> | null;
  /**
   * Each node's final held-out accuracy (labelled decentralized runs), else null. Above 256
   * nodes, the accuracies of 256 evenly spaced nodes (`accuracyNodes`).
   */
  nodeAccuracy: number[] | null;
  /** Each node's training samples per class (labelled data sets), else null. */
  classHistogram: readonly (readonly number[])[] | null;
  /** Wall-clock milliseconds the run took (not part of the deterministic outputs). */
  wallMs: number;
}

/** Mean and sample standard deviation of a final metric over the repeats. */
export interface MeanStd {
  /** Mean over seeds. */
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  std: number;
  /** Number of seeds. */
  count: number;
}

/** The best value of a learning-rate (or other) sweep for one algorithm. */
export interface SweepChoice {
  /** The swept hyper-parameter. */
  param: string;
  /** Its best value. */
  value: number;
  /** The selection metric's (seed-averaged) final value there. */
  score: number;
}

/** Per label: mean ± std of the final loss, accuracy and consensus distance over seeds. */
export type RepeatStatistics = Record<
  string,
  Record<"loss" | "accuracy" | "consensusDistance", MeanStd | null>
>;

/** Every run a config asks for: seeds × algorithms × swept values, all validated up front. */
export function planTrials(config: SimulationConfig): Trial[] {
  const trials: Trial[] = [];
  const problems: string[] = [];
  for (let r = 0; r < config.repeat; r++) {
    for (const [index, { name, params }] of config.algorithms.entries()) {
      for (const value of config.sweep ? config.sweep.values : [null]) {
        let resolved = params;
        if (value !== null) {
          try {
            resolved = resolveHyperparameters(name, { ...params, [config.sweep!.param]: value });
          } catch (error) {
            if (r === 0) problems.push(`sweep (algorithms.${index}): ${(error as Error).message}`);
            continue;
          }
        }
        const label = value === null ? name : `${name} ${config.sweep!.param}=${value}`;
        trials.push({ name, label, seed: config.seed + r, params: resolved, sweepValue: value });
      }
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return trials;
}

/**
 * Mean and sample standard deviation of `values` (std 0 for one value).
 *
 * @returns the statistics, or null for no values
 */
export function meanStd(values: readonly number[]): MeanStd | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1
    ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
    : 0;
  return { mean, std: Math.sqrt(variance), count: values.length };
}

/** Mean ± std of every label's final loss, accuracy and consensus distance over its seeds. */
export function repeatStatistics(runs: readonly AlgorithmRun[]): RepeatStatistics {
  const statistics: RepeatStatistics = {};
  for (const label of new Set(runs.map((run) => run.label))) {
    const finals = runs.filter((run) => run.label === label).map((run) => run.rows.at(-1)!);
    const pick = (key: "loss" | "accuracy" | "consensusDistance") =>
      meanStd(finals.map((row) => row[key]).filter((v): v is number => v !== null));
    statistics[label] = {
      loss: pick("loss"),
      accuracy: pick("accuracy"),
      consensusDistance: pick("consensusDistance"),
    };
  }
  return statistics;
}

/** Per algorithm, the swept value whose seed-averaged final metric is best. */
export function bestValues(
  config: SimulationConfig,
  runs: readonly AlgorithmRun[],
): Record<string, SweepChoice> {
  const sweep = config.sweep!;
  const goal = sweep.goal ?? (sweep.metric === "accuracy" ? "max" : "min");
  const best: Record<string, SweepChoice> = {};
  for (const { name } of config.algorithms) {
    for (const value of sweep.values) {
      const finals = runs.filter((run) => run.algorithm === name && run.sweepValue === value)
        .map((run) => run.rows.at(-1)![sweep.metric]);
      const scores = finals.filter((v): v is number => v !== null && Number.isFinite(v));
      if (scores.length === 0) continue;
      const score = scores.reduce((a, b) => a + b, 0) / scores.length;
      const current = best[name];
      if (!current || (goal === "min" ? score < current.score : score > current.score)) {
        best[name] = { param: sweep.param, value, score };
      }
    }
  }
  return best;
}

/** The results of a simulation. */
export interface SimulationResult {
  /** The resolved config (every default filled in). */
  config: SimulationConfig;
  /**
   * Spectral facts of W: λ2, λN, λ = max(|λ2|, |λN|), gap 1 − λ; null when no algorithm of the
   * run mixes over a graph (federated clients talk to the server only).
   */
  spectral: SpectralAnalysis | null;
  /** One entry per (seed, algorithm, swept value), in that order. */
  runs: AlgorithmRun[];
  /** Per label: mean ± std of the final loss, accuracy and consensus distance over seeds. */
  repeats: RepeatStatistics;
  /** Per algorithm: the best swept value by the sweep's metric, when the config sweeps. */
  best: Record<string, SweepChoice>;
}
