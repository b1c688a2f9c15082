// The grid of the FedBuff figure (examples/fedbuff.ts): FedBuff against synchronous FedAvg
// in virtual time on the actor engine, with a tenth of the clients slower, for a few seeds.
// Each run goes until its virtual clock passes the horizon; its test accuracy is then read on a
// common time grid (the last evaluation at or before each time) so seeds can be averaged.
// (The staleness histogram counts the whole run, a little past the horizon.)
import { type ActorMetricsRow, runSimulation } from "../mod.ts";

/** One method of the grid: an algorithm and what its runs set. */
export interface MethodCase {
  /** The label of the figure and the table. */
  label: string;
  /** The registry name and hyper-parameters. */
  algorithm: { name: string; params: Record<string, unknown> };
  /** The config's `federated.participation` (FedAvg's clients per round). */
  participation: number;
  /** The round deadline (virtual seconds; FedBuff: how long a lost attempt holds its slot). */
  timeout: number;
  /** Evaluate every this many rounds / server versions. */
  evalEvery: number;
  /** Rounds / versions planned to pass the horizon (more are run when they do not). */
  steps: number;
}

/** Options of {@linkcode fedbuffGrid}. */
export interface FedBuffGridOptions {
  /** Clients N. */
  nodes: number;
  /** The methods. */
  methods: readonly MethodCase[];
  /** The config's `problem`. */
  problem: Record<string, unknown>;
  /** Local steps K per client update. */
  localSteps: number;
  /** Fraction of the clients that are stragglers (spread evenly over the ids). */
  stragglerFraction: number;
  /** A straggler's compute-time multiplier. */
  slowdown: number;
  /** Mean of the exponential compute time of one local step (virtual seconds). */
  computeMean: number;
  /** Each run goes on until its virtual clock passes this (virtual seconds). */
  horizon: number;
  /** The common time grid's spacing (virtual seconds). */
  every: number;
  /** The seeds. */
  seeds: readonly number[];
}

/** One run: a method under one seed. */
export interface FedBuffRun {
  /** The method's label. */
  method: string;
  /** The seed. */
  seed: number;
  /** Every evaluation: virtual time, rounds / versions, test accuracy, loss. */
  rows: { time: number; step: number; accuracy: number | null; loss: number }[];
  /** Test accuracy on the time grid (null before the first evaluation). */
  onGrid: (number | null)[];
  /** Staleness τ of the applied uploads: entry τ counts uploads τ versions old. */
  stalenessHistogram: number[];
  /** Uploads that missed a round's deadline (FedAvg). */
  missedDeadline: number;
}

/** The stragglers: round(fraction · N) client ids (at least one), spread evenly. */
export function stragglerClients(nodes: number, fraction: number): number[] {
  const count = Math.max(1, Math.round(fraction * nodes));
  return Array.from({ length: count }, (_, i) => Math.floor((i * nodes) / count));
}

/** The time grid: every `every` seconds from `every` to the horizon. */
export function timeGrid(options: Pick<FedBuffGridOptions, "horizon" | "every">): number[] {
  const count = Math.round(options.horizon / options.every);
  return Array.from({ length: count }, (_, k) => Number(((k + 1) * options.every).toFixed(9)));
}

/** The value of the last row at or before each time (null before the first). */
export function readOnGrid(rows: FedBuffRun["rows"], grid: readonly number[]): (number | null)[] {
  return grid.map((t) => rows.findLast((row) => row.time <= t + 1e-12)?.accuracy ?? null);
}

/** One run of `steps` rounds / versions. */
async function runFor(
  options: FedBuffGridOptions,
  method: MethodCase,
  seed: number,
  steps: number,
) {
  const result = await runSimulation({
    algorithms: [method.algorithm],
    nodes: options.nodes,
    problem: options.problem,
    steps,
    evalEvery: method.evalEvery,
    seed,
    engine: "actors",
    timeout: method.timeout,
    federated: { localSteps: options.localSteps, participation: method.participation },
    network: {
      compute: { type: "exponential", mean: options.computeMean },
      stragglers: {
        nodes: stragglerClients(options.nodes, options.stragglerFraction),
        slowdown: options.slowdown,
      },
    },
  });
  const run = result.runs[0];
  return { rows: run.rows as ActorMetricsRow[], actors: run.actors! };
}

/**
 * One run long enough to pass the horizon: `method.steps`, or (a seed slower than planned)
 * again with more; the longer run repeats the shorter one's rows, so nothing depends on the
 * first guess but the cost.
 */
async function runPastHorizon(options: FedBuffGridOptions, method: MethodCase, seed: number) {
  let steps = method.steps;
  for (;;) {
    const run = await runFor(options, method, seed, steps);
    const reached = run.rows.at(-1)?.virtualTime ?? 0;
    if (reached >= options.horizon || run.actors.stopped) return run;
    steps = Math.ceil(steps * 1.25 * options.horizon / Math.max(reached, 1e-9));
  }
}

/**
 * Runs every method under every seed until the horizon and reads its test accuracy on the
 * time grid.
 *
 * @param options the grid
 * @returns one run per method × seed, in that order
 */
export async function fedbuffGrid(options: FedBuffGridOptions): Promise<FedBuffRun[]> {
  const grid = timeGrid(options), runs: FedBuffRun[] = [];
  for (const method of options.methods) {
    for (const seed of options.seeds) {
      const { rows, actors } = await runPastHorizon(options, method, seed);
      const kept = rows.filter((_, k) => k === 0 || rows[k - 1].virtualTime < options.horizon);
      const points = kept.map((row) => ({
        time: row.virtualTime,
        step: row.step,
        accuracy: row.accuracy ?? null,
        loss: row.loss,
      }));
      runs.push({
        method: method.label,
        seed,
        rows: points,
        onGrid: readOnGrid(points, grid),
        stalenessHistogram: actors.stalenessHistogram,
        missedDeadline: actors.missedDeadline,
      });
    }
  }
  return runs;
}
