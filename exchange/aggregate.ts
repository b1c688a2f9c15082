/**
 * The exchange seam's *aggregate* stage: what a node makes of the values it received for one
 * exchange, each with its weight (its own value among them). The weighted sum Σ_k w_k v_k in
 * the route's order is the first aggregator; robust rules (median, trimmed mean, clipped
 * gossip) and push-sum ratios see the same individual values.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";
import { mixPayloads } from "../algorithms/payload.ts";
import type { Definition, Fields } from "../definitions.ts";

/** Where an aggregate happens: the node, its exchange, and which value is its own. */
export interface AggregateContext {
  /** The receiving node. */
  readonly node: number;
  /** The exchange round within the iteration. */
  readonly round: number;
  /** The position of the node's own value among the values. */
  readonly self: number;
}

/** Folds the received values of one exchange into one payload. */
export interface Aggregator {
  /** The registry name. */
  readonly name: string;
  /**
   * Writes the aggregate of `values` (with `weights`, in the route's order) into `into`'s
   * buffers, overwriting every entry. The values are the engine's: read them, keep none.
   */
  aggregate(
    into: Payload,
    values: readonly Payload[],
    weights: ArrayLike<number>,
    context: AggregateContext,
  ): void;
}

/**
 * A registered aggregator: its fields and its factory (one per node of a run).
 *
 * @typeParam P its validated fields
 */
export interface AggregatorDefinition<P = Fields> extends Definition<P> {
  /** The aggregator of one node of a run. */
  create(fields: P, node: number): Aggregator;
  /**
   * What the aggregator refuses before the run: given each node's neighbourhood size with
   * itself (`sizes[i]`; the smallest over the steps checked for a changing route), one
   * message per impossible setting, naming the node; none when it can run.
   */
  check?(fields: P, sizes: readonly number[]): string[];
}

/** The weighted sum Σ_k w_k v_k, summed in the route's order (bit-identical in both engines). */
export function weightedSum(): Aggregator {
  return {
    name: "weighted-sum",
    aggregate: (into, values, weights) => void mixPayloads(values, weights, into),
  };
}
