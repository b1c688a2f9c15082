/**
 * A topology that changes with the step, or points one way, is a *schedule*: a mixing matrix
 * W_t for every step t, served as the exchange seam's {@linkcode Route}. The static W of the
 * config's topology and mixing rule is the constant schedule; the others are one file each
 * under `exchange/schedules/`, registered with one line (`schedule_registry.ts`).
 *
 * Steps: the engines' t is 1-based (the first iteration is t = 1); a schedule's own clock
 * s = t − 1 starts at 0, as in the papers.
 *
 * @module
 */
import type { Definition, Fields, FieldSchema } from "../definitions.ts";
import type { Graph } from "../topologies/graph.ts";
import type { MixingMatrix, MixingRow } from "../topologies/mixing.ts";
import type { Route } from "./route.ts";

/** What a schedule's factory gets from the run. */
export interface ScheduleContext {
  /** The run's node count N. */
  readonly nodes: number;
  /** The run's seed (random schedules draw from streams of it). */
  readonly seed: number;
  /** The config's topology (a random matching's base graph), when it has one. */
  readonly graph: () => Graph;
  /** The static W of the config's topology and mixing rule. */
  readonly mixing: () => MixingMatrix;
}

/**
 * A schedule type: its registry name (a config's `schedule.type`), the schema of its own
 * fields, and the factory of its route.
 *
 * @typeParam P its validated fields
 */
export interface ScheduleDefinition<P = Fields> extends Definition<P> {
  /** Its own fields as a zod object schema (`shape` names them). */
  readonly parameters: FieldSchema<P> & { readonly shape: Readonly<Record<string, unknown>> };
  /** Whether it uses the config's topology and mixing rule (else those fields are ignored). */
  readonly usesTopology: boolean;
  /**
   * The route of a run.
   *
   * @throws {RangeError} naming the field and value that cannot be met (e.g. k-out with k ≥ N)
   */
  create(fields: P, context: ScheduleContext): Route;
}

/** A row over `indices` (any order) with weight `weight(j)`, sorted ascending. */
export function sortedRow(indices: readonly number[], weight: (j: number) => number): MixingRow {
  const sorted = [...indices].sort((a, b) => a - b);
  return { indices: sorted, weights: sorted.map(weight) };
}

/** ⌈log₂ N⌉: the exponential graphs' number of offsets (1, 2, 4, …, 2^{τ−1}). */
export function exponentialOffsets(nodes: number): number {
  return Math.max(1, Math.ceil(Math.log2(nodes)));
}

/**
 * A route whose W_t is the same for `period` consecutive steps: `build(block)` makes the
 * rows and out-lists of block ⌊(t − 1)/period⌋; the last few blocks are remembered (nodes in
 * async modes are at different steps).
 */
export function blockRoute(
  nodes: number,
  period: number,
  properties: Pick<Route, "stochastic" | "symmetric">,
  build: (block: number) => { inbound: readonly MixingRow[]; outbound: readonly number[][] },
): Route {
  const cache = new Map<number, ReturnType<typeof build>>();
  const at = (t: number) => {
    const block = Math.floor(Math.max(0, t - 1) / period);
    let built = cache.get(block);
    if (!built) {
      built = build(block);
      cache.set(block, built);
      if (cache.size > 8) cache.delete(cache.keys().next().value!);
    }
    return built;
  };
  return {
    nodes,
    static: false,
    ...properties,
    inbound: (i, t) => at(t).inbound[i],
    outbound: (i, t) => at(t).outbound[i],
  };
}

/** The out-lists of the rows: j is in out[i] when row j hears from i ≠ j, ascending. */
export function outListsOf(rows: readonly MixingRow[]): number[][] {
  const out: number[][] = rows.map(() => []);
  rows.forEach((row, j) => {
    for (const i of row.indices) if (i !== j) out[i].push(j);
  });
  return out;
}
