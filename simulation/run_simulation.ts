/**
 * From a config to results: builds the problem, graph and mixing matrix, checks W, runs every
 * trial of the config on the same seeded scenario (on the sequential or the actor engine)
 * and, on request, writes the run directory.
 *
 * @module
 */
import { createAlgorithm } from "../algorithms/registry.ts";
import type { MetricsRow, RunHooks, RunResult } from "../metrics/rows.ts";
import type { SimEvent } from "../metrics/events.ts";
import { type ActorRunOptions, runActors } from "../actors/engine.ts";
import { ActorPool } from "../actors/supervisor.ts";
import { spectralAnalysis } from "../topologies/spectral.ts";
import { resolveConfig, type SimulationConfig } from "./config.ts";
import { buildSetup, type SimulationSetup } from "./setup.ts";
import { decentralizedSteps, federatedSteps, runCooperatively } from "./sequential.ts";
import {
  type AlgorithmRun,
  bestValues,
  planTrials,
  repeatStatistics,
  type SimulationResult,
  type Trial,
} from "./trials.ts";
import { writeRunDirectory } from "./run_directory.ts";

/** Hooks of {@linkcode runSimulation}. */
export interface SimulationOptions {
  /** Called with every metrics row, labelled, and the run's index among all runs. */
  onRow?: (row: MetricsRow, run: { index: number; total: number; steps: number }) => void;
  /**
   * Called with every scheduler event of an actor run (the sequential engine emits none), in
   * sequence order, and the run's index among all runs, as `onRow` is.
   */
  onEvent?: (event: SimEvent, run: { index: number; total: number; steps: number }) => void;
  /** Stops the simulation; outputs written so far stay readable. */
  signal?: AbortSignal;
}

/**
 * Runs every algorithm of a config on one seeded scenario (same data split, same graph, same
 * fault draws), for every seed of `repeat` and every value of `sweep`.
 *
 * @example Two algorithms on a 5-node ring logistic regression
 * ```ts
 * import { runSimulation } from "./run_simulation.ts";
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
      const info = { index, total: trials.length, steps: config.steps };
      const onRow = (row: MetricsRow) => {
        row.algorithm = trial.label;
        partial.push(row);
        options.onRow?.(row, info);
      };
      const listener = options.onEvent;
      const onEvent = listener && ((event: SimEvent) => listener(event, info));
      const start = performance.now();
      const setup = await setupFor(trial.seed);
      const hooks = { onRow, onEvent, signal: options.signal };
      const { rows, models, actors } = await runTrial(config, setup, trial, hooks, pool);
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
  for (const setup of setups.values()) setup.problem.dispose?.();
  return result();
}

async function runTrial(
  config: SimulationConfig,
  setup: SimulationSetup,
  trial: Trial,
  hooks: RunHooks,
  pool: ActorPool,
): Promise<{ rows: MetricsRow[]; models: Float64Array[]; actors: AlgorithmRun["actors"] }> {
  if (config.engine !== "actors") {
    const { rows, models } = await runSequential(
      { ...config, seed: trial.seed },
      setup,
      trial,
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
 * @param algorithm registry name and hyper-parameters
 * @param seed the run's seed
 * @returns options for {@linkcode runActors}
 */
export function actorRunOptions(
  config: SimulationConfig,
  setup: SimulationSetup,
  algorithm: { name: string; params: Record<string, unknown> },
  seed: number,
): ActorRunOptions {
  return {
    problem: setup.problem,
    algorithm,
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

function runSequential(
  config: SimulationConfig,
  setup: SimulationSetup,
  trial: Trial,
  hooks: RunHooks,
): Promise<RunResult> {
  const algorithm = createAlgorithm(trial.name, trial.params);
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
