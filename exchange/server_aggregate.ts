/**
 * The federated server's aggregate stage (ALGORITHMS.md §11): what replaces the weighted mean
 * of a round's uploads. The default, `mean`, is the algorithm's own rule exactly (its
 * `aggregate` with the round's weights); a robust rule (median, trimmed mean, Krum,
 * multi-Krum, centered clipping) first reduces the uploads to one payload, which the engine
 * then hands to the algorithm's `aggregate` with weight 1. Each rule applies to every upload
 * channel (FedAvg: θ; Fed-AMS, FED-LAMB: θ and v) separately, but Krum and multi-Krum, which
 * pick whole uploads by distances over all channels concatenated.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";
import type { Definition, Fields } from "../definitions.ts";

/** Where a server aggregate happens: the round and what the server broadcast in it. */
export interface ServerAggregateContext {
  /** The federated round (1-based). */
  readonly round: number;
  /** The server's broadcast of this round (its state before aggregating), unencoded. */
  readonly broadcast: Payload;
}

/** Reduces one round's uploads to one payload by a robust rule. */
export interface ServerAggregator {
  /** The registry name. */
  readonly name: string;
  /**
   * The robust aggregate of `uploads` (the round's, Byzantine ones forged), one vector per
   * upload channel, or null when the round has too few uploads for the rule (uploads lost in
   * the actor engine): the server then keeps its state. The payload returned is the
   * aggregator's own, valid until its next call; the uploads are the engine's: read them,
   * keep none.
   */
  aggregate(uploads: readonly Payload[], context: ServerAggregateContext): Payload | null;
}

/**
 * A registered server aggregator: its fields and its factory (one per run, on the server).
 *
 * @typeParam P its validated fields
 */
export interface ServerAggregatorDefinition<P = Fields> extends Definition<P> {
  /** The run's server aggregator; null for `mean`: the algorithm's own weighted rule. */
  create(fields: P): ServerAggregator | null;
  /**
   * What the rule refuses before the run, given the uploads expected per round: a reason
   * naming the setting and the count, or null when it can run.
   */
  check?(fields: P, uploads: number): string | null;
}
