/**
 * From a config to results: builds the problem, graph and mixing matrix, checks W, runs every
 * algorithm of the config on the same seeded scenario and, on request, writes the run
 * directory.
 *
 * @module
 */
import type { DecentralizedAlgorithm, FederatedAlgorithm } from "./algorithms/algorithm.ts";
import { createAlgorithm, getAlgorithm } from "./algorithms/registry.ts";
import { type MetricsRow, runDecentralized, runFederated } from "./actors/sequential.ts";
import { type ActorRunResult, runActors } from "./actors/actor_engine.ts";
import { ConfigError, resolveConfig, type SimulationConfig } from "./config.ts";
import { createProblem } from "./problems/registry.ts";
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

/** The results of one algorithm in a simulation. */
export interface AlgorithmRun {
  /** The algorithm's registry name. */
  algorithm: string;
  /** Its resolved hyper-parameters. */
  params: Record<string, unknown>;
  /** One row per evaluation (actor runs add virtual time and network columns). */
  rows: MetricsRow[];
  /** Actor engine only: per-node step counts, network counters, missed deadlines. */
  actors: Omit<ActorRunResult, "rows" | "models"> | null;
  /** Wall-clock milliseconds the run took (not part of the deterministic outputs). */
  wallMs: number;
}

/** The results of a simulation. */
export interface SimulationResult {
  /** The resolved config (every default filled in). */
  config: SimulationConfig;
  /** Spectral facts of W: λ2, λN, λ = max(|λ2|, |λN|), gap 1 − λ. */
  spectral: SpectralAnalysis;
  /** One entry per algorithm, in the config's order. */
  runs: AlgorithmRun[];
}

/** The scenario every algorithm of a config shares: the same data, graph and W. */
export interface SimulationSetup {
  /** The objective. */
  problem: Problem;
  /** The mixing matrix, validated. */
  mixing: MixingMatrix;
  /** Its spectral analysis. */
  spectral: SpectralAnalysis;
}

/**
 * Builds the shared scenario of a resolved config and validates W.
 *
 * @throws {ConfigError} naming the field (`topology`, `mixing`, `problem`) and the reason
 */
export function buildSetup(config: SimulationConfig): SimulationSetup {
  const stage = <T>(field: string, build: () => T): T => {
    try {
      return build();
    } catch (error) {
      throw new ConfigError([`${field}: ${(error as Error).message}`]);
    }
  };
  const graph = stage(
    "topology",
    () => topologyFromSpec({ nodes: config.nodes, seed: config.seed, ...config.topology }),
  );
  if (graph.nodes !== config.nodes) {
    throw new ConfigError([
      `nodes = ${config.nodes}: topology "${config.topology.type}" has ${graph.nodes} nodes`,
    ]);
  }
  const mixing = stage("mixing", () => {
    const matrix = mixingFromSpec(config.mixing, graph);
    validateMixing(matrix, graph);
    return matrix;
  });
  const problem = stage("problem", () => createProblem(config.problem, config.nodes, config.seed));
  return { problem, mixing, spectral: spectralAnalysis(mixing) };
}

/**
 * Runs every algorithm of a config on the sequential engine.
 *
 * @example Two algorithms on a 5-node ring logistic regression
 * ```ts
 * import { runSimulation } from "./simulation.ts";
 * const result = await runSimulation({ algorithms: ["dgd", "decentralized-amsgrad"], steps: 20 });
 * if (result.runs.length !== 2) throw new Error("expected two runs");
 * ```
 *
 * @param input a config (validated here; see `configSchema`)
 * @returns the resolved config, W's spectral facts and each algorithm's metrics
 * @throws {ConfigError} on bad input, before anything runs
 */
export async function runSimulation(input: unknown): Promise<SimulationResult> {
  const config = resolveConfig(input);
  const setup = buildSetup(config);
  const runs: AlgorithmRun[] = [];
  for (const { name, params } of config.algorithms) {
    const start = performance.now();
    const algorithm = createAlgorithm(name, params);
    if (config.engine === "actors") {
      const { rows, models: _, ...actors } = await runActors({
        problem: setup.problem,
        problemSpec: config.problem,
        algorithm: { name, params, module: getAlgorithm(name).module },
        instance: algorithm,
        mixing: setup.mixing,
        steps: config.steps,
        seed: config.seed,
        evalEvery: config.evalEvery,
        scenario: config.network,
        mode: config.mode,
        timeout: config.timeout,
        missing: config.missing,
        staleness: config.staleness,
        federated: config.federated,
        workers: config.workers ?? undefined,
      });
      runs.push({ algorithm: name, params, rows, actors, wallMs: performance.now() - start });
    } else {
      const rows = runSequential(config, setup, algorithm);
      runs.push({ algorithm: name, params, rows, actors: null, wallMs: performance.now() - start });
    }
  }
  const result = { config, spectral: setup.spectral, runs };
  if (config.out) await writeRunDirectory(config.out, result);
  return result;
}

function runSequential(
  config: SimulationConfig,
  setup: SimulationSetup,
  algorithm: DecentralizedAlgorithm | FederatedAlgorithm,
): MetricsRow[] {
  const common = {
    problem: setup.problem,
    seed: config.seed,
    evalEvery: config.evalEvery,
  };
  if (algorithm.kind === "decentralized") {
    return runDecentralized({ ...common, algorithm, mixing: setup.mixing, steps: config.steps })
      .rows;
  }
  return runFederated({ ...common, algorithm, rounds: config.steps, ...config.federated }).rows;
}

/**
 * Writes `config.json`, `metrics.jsonl`, `metrics.csv` and `summary.json` into `directory`,
 * then the SVG plots (`loss.svg`, `consensus.svg`, …; see {@linkcode writePlots}), each
 * atomically. Everything but `summary.json`'s wall times depends only on the config.
 */
export async function writeRunDirectory(
  directory: string,
  result: SimulationResult,
): Promise<void> {
  await Deno.mkdir(directory, { recursive: true });
  const rows = result.runs.flatMap((run) => run.rows);
  const summary = {
    version: VERSION,
    spectral: result.spectral,
    runs: result.runs.map((run) => ({
      algorithm: run.algorithm,
      final: run.rows.at(-1),
      ...(run.actors ?? {}),
      wallMs: Math.round(run.wallMs),
    })),
  };
  const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
  await writeFileAtomic(`${directory}/config.json`, json({ version: VERSION, ...result.config }));
  await writeFileAtomic(`${directory}/metrics.jsonl`, toJsonl(rows));
  await writeFileAtomic(`${directory}/metrics.csv`, toCsv(rows));
  await writeFileAtomic(`${directory}/summary.json`, json(summary));
  // Last, so that a plotting failure leaves the data files written.
  await writePlots(directory, rows);
}
