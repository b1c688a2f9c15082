/**
 * What the actor engine's scheduler decided, one event at a time: the stream behind
 * `--events FILE` (JSONL), the live view and replay checks. Every event carries the virtual
 * time it happens at and a sequence number in the order the scheduler decided it; the
 * sequence is the same on every run of the same config and seed.
 *
 * @module
 */

/** Why a message never reached its receiver. */
export type DropReason = "loss" | "partition" | "capacity" | "crashed";

/** One scheduler event. `time` is virtual seconds; `seq` counts from 0 in each run. */
export type SimEvent =
  /** Node `node` completed local step `t` (its gradient and local update). */
  | { kind: "step"; time: number; seq: number; node: number; t: number }
  /** A message `from → to` was sent; `arrival` is when it will arrive (delivered only). */
  | {
    kind: "send";
    time: number;
    seq: number;
    from: number;
    to: number;
    id: number | null;
    bytes: number;
    fate: "delivered" | DropReason;
    arrival: number | null;
  }
  /** Message `id` reached node `to` (or was dropped there because `to` was down). */
  | {
    kind: "arrive";
    time: number;
    seq: number;
    from: number;
    to: number;
    id: number;
    fate: "delivered" | "crashed";
  }
  /** Node `node` mixed exchange `round` of its step `t`: `used` values, `missing` neighbours. */
  | {
    kind: "mix";
    time: number;
    seq: number;
    node: number;
    t: number;
    round: number;
    used: number;
    missing: number;
  }
  /** Node `node` went down (`crash`) or came back (`rejoin`). */
  | { kind: "crash" | "rejoin"; time: number; seq: number; node: number }
  /** A partition formed or healed; `nodes` is one side of the cut. */
  | {
    kind: "partition" | "heal";
    time: number;
    seq: number;
    nodes: number[];
    oneWay: boolean;
  }
  /** Bounded mode: node `node`'s wait for slow neighbours ended at the timeout. */
  | { kind: "wait-timeout"; time: number; seq: number; node: number }
  /** Federated: upload of client `node` missed round `round`'s deadline. */
  | { kind: "missed-deadline"; time: number; seq: number; node: number; round: number }
  /** A metrics row was recorded at `step`. */
  | { kind: "evaluate"; time: number; seq: number; step: number };

/** An event before the run stamps its sequence number (each kind keeps its own fields). */
export type UnstampedEvent = SimEvent extends infer E ? E extends unknown ? Omit<E, "seq"> : never
  : never;
