/**
 * The exchange seam's *transport* stage: where node hosts run and how the scheduler reaches
 * them. A transport starts its hosts, gives each its setup, carries command batches to a host
 * and its snapshots back, moves payload batches host to host (never through the scheduler),
 * and reports failures as data — which host, which node and step, what happened — never as
 * text to be parsed. Workers joined by MessagePorts (`worker_transport.ts`) are the first
 * transport; processes on other machines over a message bus are another.
 *
 * @module
 */
import { type NodeFailureData, NodeFailureError } from "../algorithms/node_failure.ts";
import type { Snapshot, WorkerSetup } from "./protocol.ts";

/** What a host answers to a command batch or a setup: its result, or its failure as data. */
export type HostReply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: HostFailure };

/** A host's failure: a node's (with its step) or the host's own (a crash, a lost link). */
export type HostFailure =
  | ({ readonly kind: "node"; readonly host: number } & NodeFailureData)
  | {
    readonly kind: "host";
    readonly host: number;
    /** The error's message. */
    readonly detail: string;
    /** The error's name (`TypeError`, …), when it was one. */
    readonly name?: string;
  };

/** The hosts of a run and the links to them. */
export interface Transport {
  /** Number of hosts. */
  readonly hosts: number;
  /**
   * Gives every host its setup (`setups[h]` for host h): nodes start afresh. The first setup
   * also wires the hosts' payload links.
   */
  setup(setups: readonly WorkerSetup[]): Promise<HostReply<string>[]>;
  /** Sends host `host` a batch of command records; resolves with its reply. */
  run(host: number, batch: Float64Array): Promise<HostReply<Snapshot[]>>;
  /** Resolves with the first failure a host reports outside a reply (a crash). */
  readonly crashed: Promise<HostFailure>;
  /** Stops every host (idempotent). */
  close(): void;
}

/** Makes the transport of a run with `hosts` hosts that may read `readable`. */
export type TransportFactory = (hosts: number, readable: readonly string[]) => Transport;

/**
 * Hosts outside this process (in other processes or machines): how many Workers they run in
 * all, and the factory of a transport to them. A run given one uses at most that many Workers.
 */
export interface TransportChoice {
  /** The Workers the hosts run, in all. */
  readonly workers: number;
  /** Makes the transport of a set of Workers on the hosts. */
  readonly factory: TransportFactory;
}

/**
 * A host's answer to `work` (a setup or a command batch): its value, or its failure as data — a
 * node's (a {@linkcode NodeFailureError}) or the host's own.
 *
 * @param host the host's index
 * @param work what the host does
 */
export async function hostReply<T>(host: number, work: Promise<T>): Promise<HostReply<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    if (error instanceof NodeFailureError) {
      return { ok: false, failure: { kind: "node", host, ...error.toData() } };
    }
    const { name, message } = error instanceof Error
      ? error
      : { name: "Error", message: String(error) };
    return { ok: false, failure: { kind: "host", host, name, detail: message } };
  }
}
