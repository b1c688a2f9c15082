// The grid of the Byzantine figure (examples/byzantine_figure.ts): one DGD run per aggregator ×
// attack on a static topology with named Byzantine nodes, each recording the final metrics
// over the honest nodes. Sequential engine (both engines are bit-identical on these runs).
import { type MetricsRow, runSimulation, type StageChoice, topologyFromSpec } from "../mod.ts";

/** An aggregator of the grid: its label and the config's `exchange.aggregator`. */
export interface AggregatorCase {
  /** The label of the figure and the table. */
  readonly label: string;
  /** The registry name, or `{ name, params }`. */
  readonly aggregator: StageChoice;
}

/** An attack of the grid: its label and the config's attack, or null for the honest run. */
export interface AttackCase {
  /** The label of the figure and the table. */
  readonly label: string;
  /** The attack, or null: the same nodes honest (no `exchange.byzantine`). */
  readonly attack: StageChoice | null;
}

/** Options of {@linkcode byzantineGrid}. */
export interface ByzantineGridOptions {
  /** Nodes N. */
  readonly nodes: number;
  /** The config's `topology` (static schedule). */
  readonly topology: { readonly type: string; readonly [field: string]: unknown };
  /** The Byzantine node ids (the same in every attacked run). */
  readonly byzantine: readonly number[];
  /** The aggregators. */
  readonly aggregators: readonly AggregatorCase[];
  /** The attacks (null: the no-attack baseline). */
  readonly attacks: readonly AttackCase[];
  /** The config's `problem`. */
  readonly problem: Record<string, unknown>;
  /** DGD's step size α. */
  readonly alpha: number;
  /** Iterations. */
  readonly steps: number;
  /** Evaluate every this many steps. */
  readonly evalEvery: number;
  /** The seed of every run. */
  readonly seed: number;
}

/** One aggregator's outcome under one attack, at the last evaluation. */
export interface ByzantineResult {
  /** The aggregator's label. */
  readonly aggregator: string;
  /** The attack's label. */
  readonly attack: string;
  /** Test accuracy of the honest nodes' average model x̄. */
  readonly accuracy: number | null;
  /** Mean of the honest nodes' own test accuracies. */
  readonly nodeAccuracy: number | null;
  /** Training loss f(x̄) of the honest average. */
  readonly loss: number;
  /** Consensus distance over the honest nodes. */
  readonly consensus: number;
  /** Honest nodes the row is over (N for the baseline, which has no Byzantine node). */
  readonly honestNodes: number;
  /** The last evaluated step. */
  readonly step: number;
  /** Every evaluation's f(x̄), in order. */
  readonly losses: readonly number[];
}

/**
 * The most Byzantine neighbours any honest node of `topology` hears (its neighbourhood with
 * itself), and the smallest such neighbourhood: what the aggregators' and attacks' bounds are
 * about.
 */
export function liarsPerNeighbourhood(
  topology: ByzantineGridOptions["topology"],
  nodes: number,
  byzantine: readonly number[],
): { maxLiars: number; minNeighbourhood: number } {
  const graph = topologyFromSpec({ ...topology, nodes });
  const liars = new Set(byzantine);
  let maxLiars = 0, minNeighbourhood = Infinity;
  graph.neighbors.forEach((list, i) => {
    if (liars.has(i)) return;
    maxLiars = Math.max(maxLiars, list.filter((j) => liars.has(j)).length);
    minNeighbourhood = Math.min(minNeighbourhood, list.length + 1);
  });
  return { maxLiars, minNeighbourhood };
}

/** One run's metrics rows. */
async function gridRun(
  options: ByzantineGridOptions,
  aggregator: AggregatorCase,
  attack: AttackCase,
): Promise<MetricsRow[]> {
  const byzantine = attack.attack === null
    ? {}
    : { byzantine: { nodes: [...options.byzantine], attack: attack.attack } };
  const result = await runSimulation({
    algorithms: [{ name: "dgd", params: { alpha: options.alpha } }],
    nodes: options.nodes,
    topology: options.topology,
    problem: options.problem,
    steps: options.steps,
    evalEvery: options.evalEvery,
    seed: options.seed,
    engine: "sequential",
    exchange: { aggregator: aggregator.aggregator, ...byzantine },
  });
  return result.runs[0].rows;
}

/**
 * Runs DGD for every aggregator under every attack (the Byzantine ids fixed, the baseline with
 * them honest) and records the last evaluation over the honest nodes.
 *
 * @param options the grid
 * @returns one result per aggregator × attack, in that order
 */
export async function byzantineGrid(options: ByzantineGridOptions): Promise<ByzantineResult[]> {
  const results: ByzantineResult[] = [];
  for (const aggregator of options.aggregators) {
    for (const attack of options.attacks) {
      const rows = await gridRun(options, aggregator, attack);
      const last = rows.at(-1)!;
      results.push({
        aggregator: aggregator.label,
        attack: attack.label,
        accuracy: last.accuracy,
        nodeAccuracy: last.nodeAccuracyMean,
        loss: last.loss,
        consensus: last.consensusDistance,
        honestNodes: last.honestNodes ?? options.nodes,
        step: last.step,
        losses: rows.map((row) => row.loss),
      });
    }
  }
  return results;
}
