/**
 * One run of the reproduction: one algorithm, one hyper-parameter setting, one seed, on the
 * sequential engine (exact, and the fastest without faults). A run whose model diverges is
 * recorded as diverged with the rows it completed, never silently dropped.
 *
 * @module
 */
import { getAlgorithm } from "../algorithms/registry.ts";
import { DivergenceError, NodeFailureError } from "../algorithms/node_failure.ts";
import type { MetricsRow } from "../metrics/rows.ts";
import { runSimulation } from "../simulation/run_simulation.ts";

/** What an experiment shares between its runs: the scenario without the algorithm. */
export interface Scenario {
  /** Nodes (agents or clients). */
  readonly nodes: number;
  /** The graph (decentralized runs only). */
  readonly topology?: Record<string, unknown>;
  /** The mixing rule (decentralized runs only). */
  readonly mixing?: Record<string, unknown>;
  /** The problem spec (MNIST, model, partition, sizes). */
  readonly problem: Record<string, unknown>;
  /** Federated rounds' settings (federated runs only). */
  readonly federated?: Record<string, unknown>;
}

/** One run's length and seed. */
export interface RunShape {
  /** Iterations or rounds. */
  readonly steps: number;
  /** Evaluation interval. */
  readonly evalEvery: number;
  /** The seed (data subset, partition, initial weights, minibatches). */
  readonly seed: number;
}

/** One run's outcome. */
export interface TrialRun {
  /** The seed it ran. */
  seed: number;
  /** Its metrics rows (those completed, when it diverged). */
  rows: MetricsRow[];
  /** Wall-clock milliseconds. */
  wallMs: number;
  /** Why it stopped early (a divergence), or null when it completed. */
  diverged: string | null;
}

/**
 * The simulation config of one run: the scenario's fields that the algorithm's kind uses
 * (a graph for decentralized methods, rounds' settings for federated ones), since a config
 * refuses fields its run would ignore.
 *
 * @param scenario the experiment's shared scenario
 * @param algorithm registry name and hyper-parameters
 * @param shape steps, evaluation interval and seed
 * @returns a config for `runSimulation`
 */
export function trialConfig(
  scenario: Scenario,
  algorithm: { name: string; params: Record<string, unknown> },
  shape: RunShape,
): Record<string, unknown> {
  const federated = getAlgorithm(algorithm.name).kind === "federated";
  return {
    algorithms: [algorithm],
    nodes: scenario.nodes,
    ...(federated
      ? (scenario.federated ? { federated: scenario.federated } : {})
      : { topology: scenario.topology, mixing: scenario.mixing }),
    problem: scenario.problem,
    steps: shape.steps,
    evalEvery: shape.evalEvery,
    seed: shape.seed,
    engine: "sequential",
  };
}

/**
 * Runs one algorithm once.
 *
 * @param scenario the experiment's shared scenario
 * @param algorithm registry name and hyper-parameters
 * @param shape steps, evaluation interval and seed
 * @returns its rows and wall time; a divergence is recorded, not thrown
 * @throws whatever else stops the run (bad config, a failing node's code)
 */
export async function runTrial(
  scenario: Scenario,
  algorithm: { name: string; params: Record<string, unknown> },
  shape: RunShape,
): Promise<TrialRun> {
  const rows: MetricsRow[] = [];
  const start = performance.now();
  try {
    await runSimulation(trialConfig(scenario, algorithm, shape), {
      onRow: (row) => rows.push(row),
    });
    return { seed: shape.seed, rows, wallMs: performance.now() - start, diverged: null };
  } catch (error) {
    const diverged = error instanceof NodeFailureError && /diverged/.test(error.message) ||
      error instanceof DivergenceError;
    if (!diverged) throw error;
    return {
      seed: shape.seed,
      rows,
      wallMs: performance.now() - start,
      diverged: (error as Error).message,
    };
  }
}
