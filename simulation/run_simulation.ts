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
import type { TransportChoice } from "../actors/transport.ts";
import { spectrumOf } from "./spectrum.ts";
import { accuracyNodes } from "../metrics/evaluate.ts";
import type { SpectralAnalysis } from "../topologies/spectral.ts";
import type { SimulationConfig } from "./config.ts";
import { resolveConfig } from "./resolve_config.ts";
import { buildMixing, buildSetup, type SimulationSetup, usesGraph } from "./setup.ts";
import { OutputDirectory } from "./output_directory.ts";
import { EventLog } from "./event_log.ts";
import { decentralizedSteps, runCooperatively } from "./sequential.ts";
import { federatedSteps } from "./sequential_federated.ts";
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
  /** Called as each phase before the runs begins (setup, checks, the spectrum of W). */
  onPhase?: (phase: string) => void;
  /**
   * Where the actor engine's node hosts run (`NatsHosts`: other processes or machines);
   * default Workers in this process. Results are the same bytes either way.
   */
  transport?: TransportChoice;
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
  // Every seed's graph and W are checked before the first run, and the output directory is
  // claimed: bad input fails now, not after minutes of work.
  const setups = new Map<number, SimulationSetup>();
  options.onPhase?.(`building the graph, W and the ${config.problem.type} problem`);
  setups.set(config.seed, await buildSetup(config));
  const seeds = new Set(trials.map((trial) => trial.seed));
  if (seeds.size > 1) options.onPhase?.(`checking the graphs of ${seeds.size} seeds`);
  for (const seed of seeds) {
    options.signal?.throwIfAborted();
    if (seed !== config.seed) await buildMixing({ ...config, seed });
  }
  const log = config.events ? await EventLog.open(config.events, config.overwrite) : null;
  let directory: OutputDirectory | null = null;
  try {
    directory = config.out ? await OutputDirectory.claim(config.out, config.overwrite) : null;
  } catch (error) {
    await log?.discard();
    throw error;
  }
  try {
    const events = log
      ? (event: SimEvent, run: { index: number; total: number; steps: number }) => {
        log!.write(event, run.index);
        options.onEvent?.(event, run);
      }
      : options.onEvent;
    return await runTrials(config, trials, { directory, setups }, { ...options, onEvent: events });
  } finally {
    await log?.close();
    await directory?.release();
  }
}

async function runTrials(
  config: SimulationConfig,
  trials: Trial[],
  prepared: { directory: OutputDirectory | null; setups: Map<number, SimulationSetup> },
  options: SimulationOptions,
): Promise<SimulationResult> {
  const { directory, setups } = prepared;
  const setupFor = async (seed: number) => {
    if (!setups.has(seed)) setups.set(seed, await buildSetup({ ...config, seed }));
    return setups.get(seed)!;
  };
  let spectral: SpectralAnalysis | null = null;
  const runs: AlgorithmRun[] = [];
  let partial: MetricsRow[] = [];
  const record = () => ({
    config,
    spectral,
    runs,
    repeats: repeatStatistics(runs),
    best: config.sweep ? bestValues(config, runs) : {},
  });
  const pool = new ActorPool();
  try {
    // W's spectrum is computed once, for the first seed's graph, which the outputs report.
    options.onPhase?.(`spectrum of W (${config.nodes} nodes)`);
    const first = await setupFor(config.seed);
    // A schedule has no one W: its nominal rate is the probe's, per window (metrics rows).
    const fixed = first.route.static && first.route.symmetric;
    spectral = usesGraph(config) && fixed ? await spectrumOf(first.mixing, options.signal) : null;
    if (spectral) first.lambda = spectral.lambda;
    for (const [index, trial] of trials.entries()) {
      partial = [];
      const run = { index, total: trials.length, steps: config.steps };
      runs.push(await runLabelled(config, trial, { run, partial, pool, setupFor }, options));
    }
  } catch (error) {
    if (directory) {
      const status = options.signal?.aborted ? "interrupted" : "failed";
      await writeRunDirectory(directory.path, record(), { status, error, partial });
      await directory.seal();
    }
    throw error;
  } finally {
    pool.close();
  }
  const result: SimulationResult = record();
  if (directory) {
    await writeRunDirectory(directory.path, result);
    await directory.seal();
  }
  for (const setup of setups.values()) setup.problem.dispose?.();
  return result;
}

/**
 * One trial, its rows labelled and reported as they come (and kept in `partial`, for a run
 * directory written after a failure), as the run it adds to the result.
 */
async function runLabelled(
  config: SimulationConfig,
  trial: Trial,
  context: {
    run: { index: number; total: number; steps: number };
    partial: MetricsRow[];
    pool: ActorPool;
    setupFor: (seed: number) => Promise<SimulationSetup>;
  },
  options: SimulationOptions,
): Promise<AlgorithmRun> {
  const { run, partial, pool } = context;
  const onRow = (row: MetricsRow) => {
    row.algorithm = trial.label;
    partial.push(row);
    options.onRow?.(row, run);
  };
  const listener = options.onEvent;
  const onEvent = listener && ((event: SimEvent) => listener(event, run));
  const start = performance.now();
  const setup = await context.setupFor(trial.seed);
  const hooks = { onRow, onEvent, signal: options.signal };
  const { rows, models, actors } = await runTrial(config, setup, trial, hooks, pool, options);
  const accuracy = setup.problem.accuracy?.bind(setup.problem);
  return {
    algorithm: trial.name,
    label: trial.label,
    seed: trial.seed,
    sweepValue: trial.sweepValue,
    params: trial.params,
    rows,
    actors,
    classHistogram: (setup.problem as { classHistogram?: number[][] }).classHistogram ?? null,
    nodeAccuracy: accuracy && models.length > 1
      ? accuracyNodes(models.length).map((i) => accuracy(models[i]))
      : null,
    wallMs: performance.now() - start,
  };
}

async function runTrial(
  config: SimulationConfig,
  setup: SimulationSetup,
  trial: Trial,
  hooks: RunHooks,
  pool: ActorPool,
  { transport }: SimulationOptions,
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
    ...(transport ? { transport } : {}),
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
    route: setup.route,
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
    exchange: config.exchange,
    nominalRate: setup.lambda,
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
    exchange: config.exchange,
  };
  const steps = algorithm.kind === "decentralized"
    ? decentralizedSteps({
      ...common,
      algorithm,
      mixing: setup.mixing,
      route: setup.route,
      steps: config.steps,
      nominalRate: setup.lambda,
    })
    : federatedSteps({ ...common, algorithm, rounds: config.steps, ...config.federated });
  return runCooperatively(steps, hooks.signal);
}
