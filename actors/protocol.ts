/**
 * What the supervisor tells node actors (the control plane): commands carry only headers —
 * node ids, message ids, weights — and travel as binary records (`command_codec.ts`);
 * parameter vectors travel Worker→Worker as transferred buffers (`payload_batch.ts`) and never
 * pass through the main thread.
 *
 * @module
 */
import type { AlgorithmSource } from "../algorithms/registry.ts";
import type { ProblemSource } from "../problems/registry.ts";
import type { ExchangeSources } from "../exchange/registry.ts";

/** The message id a mix uses for the node's own payload of that exchange. */
export const SELF = -1;

/** Where one copy of a message goes. */
export interface Target {
  /** The message id (unique in the run). */
  id: number;
  /** The receiving node. */
  to: number;
  /** The Worker hosting the receiver. */
  worker: number;
}

/** One instruction to a node actor. Workers execute their commands strictly in order. */
export type Command =
  /** Gradient at the node's gradient point, then the algorithm's local step t. */
  | { op: "step"; node: number; t: number }
  /** Sends the node's payload of exchange `round` to each target (dropped copies are omitted). */
  | { op: "send"; node: number; round: number; to: Target[] }
  /**
   * Mixes Σ weights[k] · payload(from[k]) (from[k] = SELF for its own) into the node;
   * `senders[k]`, given in runs with Byzantine nodes, is the node payload k came from.
   */
  | {
    op: "mix";
    node: number;
    round: number;
    from: number[];
    weights: number[];
    senders?: number[];
  }
  /** Frees received payloads that no later mix will use. */
  | { op: "release"; ids: number[] }
  /** Reports the node's model (and adaptive rate) at this point of its command stream. */
  | { op: "snapshot"; node: number }
  /** Federated server: sends its broadcast to each target. */
  | { op: "broadcast"; node: number; to: Target[] }
  /** Federated client: from broadcast `from`, T local steps, then upload to `to` (if any). */
  | { op: "client"; node: number; round: number; from: number; steps: number; to: Target | null }
  /**
   * Federated server: aggregates round `round`'s uploads `from` (of `clients`) with `weights`.
   */
  | {
    op: "aggregate";
    node: number;
    round: number;
    from: number[];
    weights: number[];
    clients: number[];
  };

/** A node's state at a snapshot command. */
export interface Snapshot {
  /** The node (the server's id for federated runs). */
  node: number;
  /** A copy of its model. */
  params: Float64Array;
  /** A copy of its adaptive rate, where the algorithm has one. */
  rate: Float64Array | null;
  /** Its tracking residual (a copy), where the algorithm tracks something. */
  tracking?: Float64Array | null;
  /** Its public copy and running sum (copies), where the method keeps them (CHOCO-SGD). */
  memory?: { copy: Float64Array; sum: Float64Array } | null;
  /** Its realised-mixing probe (a copy), for decentralized nodes. */
  probe?: Float64Array | null;
}

/** How a Worker rebuilds the run's problem and algorithm. */
export interface WorkerSetup {
  /** This Worker's index. */
  index: number;
  /** The nodes it hosts (ascending). */
  nodes: number[];
  /** The federated server's node id if this Worker hosts it, else null. */
  server: number | null;
  /** Registry name, resolved hyper-parameters and the module that registers it, if any. */
  algorithm: AlgorithmSource;
  /** The problem's resolved spec, node count and seed, and the module that registers it. */
  problem: ProblemSource & { module?: string };
  /** The run's seed (gradient streams). */
  seed: number;
  /** Wall-clock bound on waiting for one message from another Worker (ms). */
  waitTimeoutMs: number;
  /** Which run of these Workers this is; payloads of earlier runs still in flight are ignored. */
  epoch: number;
  /** The run's encoder and aggregator, which the Worker builds for each node it hosts. */
  exchange: ExchangeSources;
}
