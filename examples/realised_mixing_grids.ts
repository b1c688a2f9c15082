// The two grids of the realised-mixing figure (examples/realised_mixing.ts): ρ̂ of DGD's probe
// per graph, drop probability and missing-value policy, and each method's final accuracy and
// loss per drop probability with stragglers. Both run the actor engine in sync mode.
import { type MetricsRow, runSimulation } from "../mod.ts";

/** A communication graph of the ρ̂ grid, with the run length that keeps its probe measurable. */
export interface GraphCase {
  /** The label of the figure and the table. */
  label: string;
  /** The config's `schedule`. */
  schedule: { type: string };
  /** The config's `topology`, for the static schedule only. */
  topology?: { type: string };
  /** Iterations: enough that ρ̂ settles, few enough that the probe has not converged. */
  steps: number;
  /** The window K of ρ̂ (steps between evaluations). */
  evalEvery: number;
}

/** Options of {@linkcode mixingGrid}. */
export interface MixingGridOptions {
  /** Nodes N. */
  nodes: number;
  /** The message drop probabilities. */
  drops: readonly number[];
  /** The graphs. */
  graphs: readonly GraphCase[];
  /** The sync-mode policies for a missing neighbour value. */
  policies: readonly ("stale" | "self")[];
  /** The seed of every run. */
  seed: number;
}

/** One ρ̂ measurement: a graph under a drop probability and a missing-value policy. */
export interface RateResult {
  /** The graph's label. */
  graph: string;
  /** The drop probability. */
  drop: number;
  /** The missing-value policy. */
  missing: string;
  /** Mean ρ̂ over the windows after the first (0 when the probe averaged exactly). */
  rate: number;
  /** The nominal rate by the same rule: λ of a static W, the fault-free replay otherwise. */
  nominal: number;
  /** Windows the mean is over (0: no rate left to measure, the probe averaged exactly). */
  windows: number;
  /** ρ̂ of every window, null where the probe had converged. */
  perWindow: (number | null)[];
}

/** The mean of the non-null values after the first; the first alone, or 0 (exact) if none. */
export function settledRate(values: readonly (number | null | undefined)[]): [number, number] {
  const later = values.slice(1).filter((v): v is number => typeof v === "number");
  if (later.length > 0) return [later.reduce((a, b) => a + b, 0) / later.length, later.length];
  return typeof values[0] === "number" ? [values[0], 1] : [0, 0];
}

/**
 * Runs DGD on a cheap logistic problem for every graph, drop probability and policy (actor
 * engine, sync mode) and reads ρ̂ and the nominal rate from the metrics rows.
 *
 * @param options the grid
 * @returns one result per graph × policy × drop, in that order
 */
export async function mixingGrid(options: MixingGridOptions): Promise<RateResult[]> {
  const results: RateResult[] = [];
  for (const graph of options.graphs) {
    for (const missing of options.policies) {
      for (const drop of options.drops) {
        const result = await runSimulation({
          algorithms: [{ name: "dgd", params: { alpha: 0.05 } }],
          nodes: options.nodes,
          schedule: graph.schedule,
          ...(graph.topology ? { topology: graph.topology } : {}),
          problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
          steps: graph.steps,
          evalEvery: graph.evalEvery,
          seed: options.seed,
          engine: "actors",
          mode: "sync",
          missing,
          network: { dropProbability: drop },
        });
        const rows = result.runs[0].rows;
        const perWindow = rows.map((row) => row.mixingRate ?? null);
        const [rate, windows] = settledRate(perWindow);
        const [nominal] = settledRate(rows.map((row) => row.nominalRate));
        results.push({ graph: graph.label, drop, missing, rate, nominal, windows, perWindow });
      }
    }
  }
  return results;
}

/** A method of the accuracy grid and the policy it mixes missing values with. */
export interface MethodCase {
  /** The registry name. */
  name: string;
  /** Its step size α. */
  alpha: number;
  /** Its sync-mode missing-value policy (`drop` for SGP: a lost push loses its mass). */
  missing: "stale" | "self" | "renormalize" | "drop";
}

/** Options of {@linkcode accuracyGrid}. */
export interface AccuracyGridOptions {
  /** Nodes N. */
  nodes: number;
  /** The message drop probabilities. */
  drops: readonly number[];
  /** The methods. */
  methods: readonly MethodCase[];
  /** The config's `schedule` (one graph for every method). */
  schedule: { type: string };
  /** The config's `problem`. */
  problem: Record<string, unknown>;
  /** Iterations. */
  steps: number;
  /** Evaluate every this many steps. */
  evalEvery: number;
  /** Fraction of the nodes that are stragglers (spread evenly over the ids). */
  stragglerFraction: number;
  /** A straggler's compute-time multiplier. */
  slowdown: number;
  /** The sync barrier's deadline (virtual seconds; compute is exponential, mean 0.01 s). */
  timeout: number;
  /** The seed of every run. */
  seed: number;
}

/** One method's outcome under one drop probability. */
export interface AccuracyResult {
  /** The method. */
  method: string;
  /** Its missing-value policy. */
  missing: string;
  /** The drop probability. */
  drop: number;
  /** Test accuracy of x̄ at the last evaluation. */
  accuracy: number | null;
  /** Training loss f(x̄) at the first evaluation. */
  firstLoss: number | null;
  /** Training loss f(x̄) at the last evaluation. */
  loss: number | null;
  /** The last evaluated step. */
  step: number;
  /** The loss at the last evaluation is above the first (or the model diverged). */
  lossRose: boolean;
  /** The divergence error's message, if the run stopped on one. */
  error: string | null;
  /** Mean ρ̂ of the run's probe over its windows after the first. */
  mixingRate: number;
  /** Windows that mean is over (0: the probe reached consensus within the first window). */
  mixingWindows: number;
  /** Messages dropped by the end. */
  dropped: number;
  /** Messages late by the end (a straggler past the barrier deadline). */
  late: number;
}

/** The stragglers: round(fraction · N) node ids (at least one), spread evenly. */
export function stragglerNodes(nodes: number, fraction: number): number[] {
  const count = Math.max(1, Math.round(fraction * nodes));
  return Array.from({ length: count }, (_, i) => Math.floor((i * nodes) / count));
}

/** One run of the accuracy grid: its rows, and the error it stopped on, if any. */
async function accuracyRun(
  options: AccuracyGridOptions,
  method: MethodCase,
  drop: number,
): Promise<{ rows: MetricsRow[]; error: string | null }> {
  const rows: MetricsRow[] = [];
  try {
    await runSimulation({
      algorithms: [{ name: method.name, params: { alpha: method.alpha } }],
      nodes: options.nodes,
      schedule: options.schedule,
      problem: options.problem,
      steps: options.steps,
      evalEvery: options.evalEvery,
      seed: options.seed,
      engine: "actors",
      mode: "sync",
      missing: method.missing,
      timeout: options.timeout,
      network: {
        dropProbability: drop,
        compute: { type: "exponential", mean: 0.01 },
        stragglers: {
          nodes: stragglerNodes(options.nodes, options.stragglerFraction),
          slowdown: options.slowdown,
        },
      },
    }, { onRow: (row) => void rows.push(row) });
    return { rows, error: null };
  } catch (error) {
    if (!(error instanceof Error) || !/diverged/.test(error.message)) throw error;
    return { rows, error: error.message };
  }
}

/**
 * Runs every method under every drop probability with stragglers (actor engine, sync mode,
 * a barrier deadline) and records the final test accuracy and loss; a run that diverges is
 * recorded with its last evaluation and the error.
 *
 * @param options the grid
 * @returns one result per method × drop, in that order
 */
export async function accuracyGrid(options: AccuracyGridOptions): Promise<AccuracyResult[]> {
  const results: AccuracyResult[] = [];
  for (const method of options.methods) {
    for (const drop of options.drops) {
      const { rows, error } = await accuracyRun(options, method, drop);
      const last = rows.at(-1) as (MetricsRow & { dropped?: number; late?: number }) | undefined;
      const firstLoss = rows[0]?.loss ?? null, loss = last?.loss ?? null;
      const finite = (v: number | null) => v !== null && Number.isFinite(v);
      const [mixingRate, mixingWindows] = settledRate(rows.map((row) => row.mixingRate));
      results.push({
        method: method.name,
        missing: method.missing,
        drop,
        accuracy: last?.accuracy ?? null,
        firstLoss,
        loss,
        step: last?.step ?? 0,
        lossRose: error !== null || !finite(loss) || (finite(firstLoss) && loss! > firstLoss!),
        error,
        mixingRate,
        mixingWindows,
        dropped: last?.dropped ?? 0,
        late: last?.late ?? 0,
      });
    }
  }
  return results;
}
