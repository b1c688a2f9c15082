/**
 * How an engine passes a node's messages through the seam's encode and aggregate stages:
 * both engines call these two functions, the sequential engine for every node in lock step,
 * a Worker for the nodes it hosts, so equal inputs give bit-identical trajectories.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";
import type { DecentralizedNode } from "../algorithms/iteration.ts";
import { copyPayload } from "../algorithms/payload.ts";
import type { Encoder } from "./encode.ts";
import type { NodeStages } from "./registry.ts";
import { forgeValues } from "./attack.ts";

/**
 * What the receivers of node `node`'s payload of exchange `round` (its step `t`) get: the
 * encoder's output. An encoder that is not the identity works on a copy, so the sender's own
 * value (which it mixes unencoded) is untouched.
 */
export function encodeSent(
  encoder: Encoder,
  payload: Payload,
  node: number,
  round: number,
  t: number,
): Payload {
  return encoder.encode(encoder.identity ? payload : copyPayload(payload), { node, round, t });
}

/** Who sent the values of one aggregate, and when: what forging Byzantine messages needs. */
export interface Senders {
  /** The node each value came from (the receiver's own id for its own value). */
  readonly senders: ArrayLike<number>;
  /** The receiver's step. */
  readonly t: number;
}

/**
 * Node `node`'s aggregate of exchange `round`: the aggregator writes into the node's mix sums
 * from the values received (`values[self]` its own) and their weights; the node's
 * `fold(round)` then hands the sums to the algorithm (the lock-step engine aggregates every
 * node before any node folds). In a run with Byzantine nodes, what they sent an honest node
 * is forged first (`from`: who sent each value; required then).
 */
export function aggregateInto(
  node: DecentralizedNode,
  stages: NodeStages,
  round: number,
  values: readonly Payload[],
  weights: ArrayLike<number>,
  self: number,
  from?: Senders,
): void {
  const into = node.sums(round, values[self]);
  const byzantine = stages.byzantine;
  if (byzantine) {
    if (!from) throw new Error(`node ${node.id}'s aggregate lacks its senders (Byzantine run)`);
    const site = { receiver: node.id, t: from.t, round };
    values = forgeValues(byzantine.attack, values, from.senders, byzantine.is, site);
  }
  stages.aggregator.aggregate(into, values, weights, { node: node.id, round, self });
}
