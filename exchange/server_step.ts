/**
 * How a federated server folds in a round's uploads, as both engines call it (the sequential
 * engine's `runFederated` and a Worker's server actor), so equal inputs give bit-identical
 * global models: Byzantine clients' uploads are forged first (their attack sees the round's
 * honest uploads), then the algorithm aggregates them with the round's weights (`mean`), or a
 * robust server aggregator reduces them to one payload the algorithm aggregates with weight 1.
 *
 * @module
 */
import type { FederatedAlgorithm, Payload } from "../algorithms/algorithm.ts";
import { forgeValues } from "./attack.ts";
import type { Byzantine } from "./registry.ts";
import type { ServerAggregator } from "./server_aggregate.ts";

/** The server's side of a round: its aggregator, the run's Byzantine clients, who uploaded. */
export interface ServerRound {
  /** The server's id (N, the number of clients). */
  readonly server: number;
  /** The federated round. */
  readonly round: number;
  /** The client of each upload. */
  readonly clients: ArrayLike<number>;
  /** The robust server aggregator, or null for the algorithm's own weighted rule. */
  readonly aggregator: ServerAggregator | null;
  /** The run's Byzantine clients, or null for an honest run. */
  readonly byzantine: Byzantine | null;
}

/**
 * The server aggregates one round: `uploads[j]` came from `round.clients[j]` with weight
 * `weights[j]`. A robust aggregator that finds the round too small (null) leaves the server's
 * state as it was.
 */
export function aggregateUploads<S>(
  algorithm: FederatedAlgorithm<unknown, S>,
  server: S,
  uploads: readonly Payload[],
  weights: readonly number[],
  round: ServerRound,
): void {
  const { byzantine, aggregator } = round;
  if (byzantine) {
    const site = { receiver: round.server, t: round.round, round: 0 };
    uploads = forgeValues(byzantine.attack, uploads, round.clients, byzantine.is, site);
  }
  if (!aggregator) return algorithm.aggregate(server, uploads, weights);
  const broadcast = algorithm.broadcast(server);
  const robust = aggregator.aggregate(uploads, { round: round.round, broadcast });
  if (robust) algorithm.aggregate(server, [robust], [1]);
}
