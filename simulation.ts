/**
 * From a config to results: builds the problem, graph and mixing matrix, checks W, runs every
 * algorithm of the config on the same seeded scenario and, on request, writes the run
 * directory.
 *
 * @module
 */
import type { DecentralizedAlgorithm, FederatedAlgorithm } from "./algorithms/algorithm.ts";
import { createAlgorithm, getAlgorithm, resolveHyperparameters } from "./algorithms/registry.ts";
import {
  decentralizedSteps,
  federatedSteps,
  type MetricsRow,
  runCooperatively,
  type RunHooks,
  type RunResult,
} from "./actors/sequential.ts";
import { type ActorRunOptions, type ActorRunResult, runActors } from "./actors/actor_engine.ts";
import { ActorPool } from "./actors/supervisor.ts";
import { ConfigError, resolveConfig, type SimulationConfig } from "./config.ts";
import { type AnyProblemSpec, loadProblem, problemReadPaths } from "./problems/registry.ts";
import type { Problem } from "./problems/problem.ts";
import { topologyFromSpec } from "./topologies/topology_spec.ts";
import { mixingFromSpec } from "./topologies/mixing_spec.ts";
import { validateMixing } from "./topologies/validate_mixing.ts";
import { type SpectralAnalysis, spectralAnalysis } from "./topologies/spectral.ts";
import type { MixingMatrix } from "./topologies/mixing.ts";
import { toCsv, toJsonl, writeFileAtomic } from "./metrics/report.ts";
import { writePlots } from "./metrics/plot.ts";

/** gossim's version, recorded in every run's outputs. */
export const VERSION = "0.1.0";

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
  /** Each node's final held-out accuracy (labelled decentralized runs), else null. */
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

/** The results of a simulation. */
export interface SimulationResult {
  /** The resolved config (every default filled in). */
  config: SimulationConfig;
  /** Spectral facts of W: λ2, λN, λ = max(|λ2|, |λN|), gap 1 − λ. */
  spectral: SpectralAnalysis;
  /** One entry per (seed, algorithm, swept value), in that order. */
  runs: AlgorithmRun[];
  /** Per label: mean ± std of the final loss, accuracy and consensus distance over seeds. */
  repeats: Record<string, Record<"loss" | "accuracy" | "consensusDistance", MeanStd | null>>;
  /** Per algorithm: the best swept value by the sweep's metric, when the config sweeps. */
  best: Record<string, SweepChoice>;
}

/** Hooks of {@linkcode runSimulation}. */
export interface SimulationOptions {
  /** Called with every metrics row, labelled, and the run's index among all runs. */
  onRow?: (row: MetricsRow, run: { index: number; total: number; steps: number }) => void;
  /** Stops the simulation; outputs written so far stay readable. */
  signal?: AbortSignal;
}

/** The problem spec with the config's tensor backend filled in (neural problems). */
function problemSpec(config: SimulationConfig): AnyProblemSpec {
  return config.problem.type === "neural"
    ? { ...config.problem, backend: config.backend }
    : config.problem;
}

/** The scenario every algorithm of a config shares: the same data, graph and W. */
export interface SimulationSetup {
  /** The objective. */
  problem: Problem;
  /** The mixing matrix, validated. */
  mixing: MixingMatrix;
}

/**
 * Builds the shared scenario of a resolved config and validates W.
 *
 * @throws {ConfigError} naming the field (`topology`, `mixing`, `problem`) and the reason
 */
export async function buildSetup(config: SimulationConfig): Promise<SimulationSetup> {
  const stage = async <T>(field: string, build: () => T | Promise<T>): Promise<T> => {
    try {
      return await build();
    } catch (error) {
      throw new ConfigError([`${field}: ${(error as Error).message}`]);
    }
  };
  const graph = await stage(
    "topology",
    () => topologyFromSpec({ nodes: config.nodes, seed: config.seed, ...config.topology }),
  );
  if (graph.nodes !== config.nodes) {
    throw new ConfigError([
      `nodes = ${config.nodes}: topology "${config.topology.type}" has ${graph.nodes} nodes`,
    ]);
  }
  const mixing = await stage("mixing", () => {
    const matrix = mixingFromSpec(config.mixing, graph);
    validateMixing(matrix, graph);
    return matrix;
  });
  const problem = await stage(
    "problem",
    () => loadProblem(problemSpec(config), config.nodes, config.seed),
  );
  return { problem, mixing };
}

interface Trial {
  name: string;
  label: string;
  seed: number;
  params: Record<string, unknown>;
  sweepValue: number | null;
}

/** Every run a config asks for: seeds × algorithms × swept values, all validated up front. */
function planTrials(config: SimulationConfig): Trial[] {
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
 * Runs every algorithm of a config on one seeded scenario (same data split, same graph, same
 * fault draws), for every seed of `repeat` and every value of `sweep`.
 *
 * @example Two algorithms on a 5-node ring logistic regression
 * ```ts
 * import { runSimulation } from "./simulation.ts";
 * const result = await runSimulation({ algorithms: ["dgd", "decentralized-amsgrad"], steps: 20 });
 * if (result.runs.length !== 2) throw new Error("expected two runs");
 * ```
 *
 * @param input a config (validated here, before anything runs)
 * @param options progress and cancellation hooks
 * @returns the resolved config, W's spectral facts, each run's metrics, repeat statistics
 * and the best swept values
 * @throws {ConfigError} on bad input, before anything runs; a failure or interruption later
 * leaves the completed outputs written (summary.json says which) and rethrows
 */
export async function runSimulation(
  input: unknown,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  const config = resolveConfig(input);
  const trials = planTrials(config);
  const setups = new Map<number, SimulationSetup>();
  const setupFor = async (seed: number) => {
    if (!setups.has(seed)) setups.set(seed, await buildSetup({ ...config, seed }));
    return setups.get(seed)!;
  };
  // W's spectrum is O(N³): computed once, for the first seed's graph, which the outputs report.
  const spectral = spectralAnalysis((await setupFor(config.seed)).mixing);
  const runs: AlgorithmRun[] = [];
  let partial: MetricsRow[] = [];
  const result = (): SimulationResult => ({
    config,
    spectral,
    runs,
    repeats: repeatStatistics(runs),
    best: config.sweep ? bestValues(config, runs) : {},
  });
  const pool = new ActorPool();
  try {
    for (const [index, trial] of trials.entries()) {
      partial = [];
      const onRow = (row: MetricsRow) => {
        row.algorithm = trial.label;
        partial.push(row);
        options.onRow?.(row, { index, total: trials.length, steps: config.steps });
      };
      const start = performance.now();
      const setup = await setupFor(trial.seed);
      const { rows, models, actors } = await runTrial(config, setup, trial, {
        onRow,
        signal: options.signal,
      }, pool);
      const accuracy = setup.problem.accuracy?.bind(setup.problem);
      runs.push({
        algorithm: trial.name,
        label: trial.label,
        seed: trial.seed,
        sweepValue: trial.sweepValue,
        params: trial.params,
        rows,
        actors,
        classHistogram: (setup.problem as { classHistogram?: number[][] }).classHistogram ?? null,
        nodeAccuracy: accuracy && models.length > 1 ? models.map((x) => accuracy(x)) : null,
        wallMs: performance.now() - start,
      });
    }
  } catch (error) {
    if (config.out) {
      const status = options.signal?.aborted ? "interrupted" : "failed";
      await writeRunDirectory(config.out, result(), { status, error, partial });
    }
    throw error;
  } finally {
    pool.close();
  }
  if (config.out) await writeRunDirectory(config.out, result());
  for (const setup of setups.values()) (setup.problem as { dispose?: () => void }).dispose?.();
  return result();
}

async function runTrial(
  config: SimulationConfig,
  setup: SimulationSetup,
  trial: Trial,
  hooks: RunHooks,
  pool: ActorPool,
): Promise<{ rows: MetricsRow[]; models: Float64Array[]; actors: AlgorithmRun["actors"] }> {
  const algorithm = createAlgorithm(trial.name, trial.params);
  if (config.engine !== "actors") {
    const { rows, models } = await runSequential(
      { ...config, seed: trial.seed },
      setup,
      algorithm,
      hooks,
    );
    return { rows, models, actors: null };
  }
  const { rows, models, ...actors } = await runActors({
    ...hooks,
    pool,
    ...actorRunOptions(config, setup, { name: trial.name, params: trial.params }, trial.seed),
  });
  return { rows, models, actors };
}

/**
 * The actor engine's options for one algorithm of a resolved config on its built setup.
 *
 * @param config the resolved config (engine settings, network, mode)
 * @param setup the problem and W built from it
 * @param algorithm registry name and resolved hyper-parameters
 * @param seed the run's seed
 * @returns options for {@linkcode runActors}
 */
export function actorRunOptions(
  config: SimulationConfig,
  setup: SimulationSetup,
  algorithm: { name: string; params: Record<string, unknown> },
  seed: number,
): ActorRunOptions {
  const spec = problemSpec(config);
  return {
    problem: setup.problem,
    problemSpec: spec,
    readable: problemReadPaths(spec),
    algorithm: { ...algorithm, module: getAlgorithm(algorithm.name).module },
    instance: createAlgorithm(algorithm.name, algorithm.params),
    mixing: setup.mixing,
    steps: config.steps,
    seed,
    evalEvery: config.evalEvery,
    scenario: config.network,
    mode: config.mode,
    timeout: config.timeout,
    missing: config.missing,
    staleness: config.staleness,
    federated: config.federated,
    workers: config.workers ?? undefined,
  };
}

function meanStd(values: number[]): MeanStd | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1
    ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
    : 0;
  return { mean, std: Math.sqrt(variance), count: values.length };
}

function repeatStatistics(runs: AlgorithmRun[]): SimulationResult["repeats"] {
  const statistics: SimulationResult["repeats"] = {};
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

function bestValues(config: SimulationConfig, runs: AlgorithmRun[]): Record<string, SweepChoice> {
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

function runSequential(
  config: SimulationConfig,
  setup: SimulationSetup,
  algorithm: DecentralizedAlgorithm | FederatedAlgorithm,
  hooks: RunHooks,
): Promise<RunResult> {
  const common = {
    ...hooks,
    problem: setup.problem,
    seed: config.seed,
    evalEvery: config.evalEvery,
  };
  const steps = algorithm.kind === "decentralized"
    ? decentralizedSteps({ ...common, algorithm, mixing: setup.mixing, steps: config.steps })
    : federatedSteps({ ...common, algorithm, rounds: config.steps, ...config.federated });
  return runCooperatively(steps, hooks.signal);
}

/** How a run ended, for `summary.json`. */
export interface RunEnding {
  /** `interrupted` (Ctrl-C) or `failed` (an error). */
  status: "interrupted" | "failed";
  /** What stopped it. */
  error: unknown;
  /** Rows of the run under way when it stopped. */
  partial: MetricsRow[];
}

/**
 * Writes `config.json`, `metrics.jsonl`, `metrics.csv` and `summary.json` into `directory`,
 * then the SVG plots (`loss.svg`, `consensus.svg`, …; see {@linkcode writePlots}), each
 * atomically. Everything but `summary.json`'s wall times depends only on the config. A run
 * that stopped early writes what it completed, and its summary says why.
 */
export async function writeRunDirectory(
  directory: string,
  result: SimulationResult,
  ending?: RunEnding,
): Promise<void> {
  await Deno.mkdir(directory, { recursive: true });
  const rows = [
    ...result.runs.flatMap((run) =>
      result.config.repeat > 1 ? run.rows.map((row) => ({ ...row, seed: run.seed })) : run.rows
    ),
    ...(ending?.partial ?? []),
  ];
  const summary = {
    version: VERSION,
    status: ending?.status ?? "complete",
    ...(ending ? { error: String((ending.error as Error)?.message ?? ending.error) } : {}),
    spectral: result.spectral,
    runs: result.runs.map((run) => ({
      label: run.label,
      algorithm: run.algorithm,
      seed: run.seed,
      final: run.rows.at(-1),
      ...(run.actors ?? {}),
      nodeAccuracy: run.nodeAccuracy,
      classHistogram: run.classHistogram,
      wallMs: Math.round(run.wallMs),
    })),
    repeats: result.repeats,
    best: result.best,
  };
  const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
  await writeFileAtomic(`${directory}/config.json`, json({ version: VERSION, ...result.config }));
  await writeFileAtomic(`${directory}/metrics.jsonl`, toJsonl(rows));
  await writeFileAtomic(`${directory}/metrics.csv`, toCsv(rows));
  await writeFileAtomic(`${directory}/summary.json`, json(summary));
  // Last, so that a plotting failure leaves the data files written. With repeats, the
  // first seed's curves are plotted.
  const firstSeed = result.runs.length ? result.runs[0].seed : result.config.seed;
  const plotted = result.runs.filter((run) => run.seed === firstSeed).flatMap((run) => run.rows);
  await writePlots(directory, [...plotted, ...(ending?.partial ?? [])]);
}
