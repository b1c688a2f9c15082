/**
 * The supervisor: places nodes on the hosts of a transport (Workers by default), gives each
 * host its setup, and drives them in batches of commands (the control plane); the transport
 * moves payloads host to host. The first failure anywhere — reported by the transport as
 * data — stops every host and surfaces with the node and step; nothing waits without a bound.
 *
 * @module
 */
import type { Command, Snapshot, WorkerSetup } from "./protocol.ts";
import { CommandWriter } from "./command_codec.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import type { HostFailure, HostReply, Transport, TransportFactory } from "./transport.ts";
import { workerTransport } from "./worker_transport.ts";

/** Where each node lives: contiguous blocks of nodes per Worker. */
export function placeNodes(nodes: number, workers: number): number[] {
  return Array.from({ length: nodes }, (_, node) => Math.floor((node * workers) / nodes));
}

/** The default Worker count: one per core, at most one per node. */
export function defaultWorkers(nodes: number): number {
  return Math.max(1, Math.min(nodes, navigator.hardwareConcurrency || 2));
}

/** Options of {@linkcode Supervisor.start}. */
export interface SupervisorOptions {
  /** Number of Workers. */
  workers: number;
  /** Node → Worker index. */
  placement: number[];
  /** Worker hosting the federated server (and its node id), or null. */
  server: { node: number; worker: number } | null;
  /** Everything but `index`, `nodes`, `server` and `epoch` of each Worker's setup. */
  setup: Omit<WorkerSetup, "index" | "nodes" | "server" | "epoch">;
  /** What the Workers may read besides the package: user modules' folders, data folders. */
  readable?: string[];
  /** Where the hosts run; default one Worker each in this process. */
  transport?: TransportFactory;
}

/** Drives the hosts of a transport. */
export class Supervisor {
  #transport: Transport;
  #queues: CommandWriter[];
  #failure: Promise<never>;
  #closed = false;
  #shape = "";
  #epoch = 0;
  #inFlight: Promise<Snapshot[][]>[] = [];
  #snapshots: Snapshot[] = [];

  private constructor(transport: Transport) {
    this.#transport = transport;
    this.#queues = Array.from({ length: transport.hosts }, () => new CommandWriter());
    this.#failure = transport.crashed.then((failure) => Promise.reject(failureError(failure)));
    this.#failure.catch(() => {});
  }

  /**
   * Starts and initialises the hosts.
   *
   * @param options host count, placement and the shared setup
   * @returns a supervisor whose hosts are ready
   */
  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const transport = (options.transport ?? workerTransport)(
      options.workers,
      options.readable ?? [],
    );
    const supervisor = new Supervisor(transport);
    try {
      await supervisor.#initialise(options);
    } catch (error) {
      supervisor.shutdown();
      throw error;
    }
    supervisor.#shape = shapeOf(options);
    return supervisor;
  }

  /** Sends every host its setup. */
  async #initialise(options: SupervisorOptions): Promise<void> {
    const setups = Array.from({ length: options.workers }, (_, index) => {
      const nodes = options.placement.flatMap((worker, node) => worker === index ? [node] : []);
      const server = options.server?.worker === index ? options.server.node : null;
      return { ...options.setup, index, nodes, server, epoch: this.#epoch };
    });
    const replies = await this.#guard(this.#transport.setup(setups));
    for (const reply of replies) unwrap(reply);
  }

  /** Whether these hosts can serve a run with `options` (same count, placement, rights). */
  fits(options: SupervisorOptions): boolean {
    return !this.#closed && this.#shape === shapeOf(options);
  }

  /**
   * Prepares the same hosts for another run: nodes start afresh; a host whose problem is
   * unchanged keeps it (no data reloaded).
   */
  async restart(options: SupervisorOptions): Promise<void> {
    if (!this.fits(options)) throw new Error("Cannot restart: the Workers do not fit this run");
    this.#epoch++;
    await this.#initialise(options);
  }

  /** Whether the hosts were stopped. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a command for host `worker` (sent at the next flush). */
  enqueue(worker: number, command: Command): void {
    this.#queues[worker].write(command);
  }

  /** Commands queued and not yet flushed. */
  get pending(): number {
    return this.#queues.reduce((sum, queue) => sum + queue.count, 0);
  }

  /**
   * Sends the queued commands without waiting for them (the hosts run batches in order);
   * waits only when more than `maxInFlight` batches are outstanding, which bounds memory.
   */
  async dispatch(maxInFlight = 8): Promise<void> {
    this.#send();
    while (this.#inFlight.length > maxInFlight) {
      this.#snapshots.push(...(await this.#guard(this.#inFlight.shift()!)).flat());
    }
  }

  /** Posts the queued commands, one batch of records per host. */
  #send(): void {
    const sent = Promise.all(this.#queues.map(async (queue, index) => {
      if (!queue.count) return [];
      return unwrap(await this.#transport.run(index, queue.take()));
    }));
    sent.catch(() => {});
    this.#inFlight.push(sent);
  }

  /**
   * Sends every queued command and waits until all hosts have executed everything sent so
   * far (not what is sent after this call: the batches waited for are taken at the call, so
   * a caller may go on queueing and dispatching meanwhile).
   *
   * @returns the snapshots taken since the last flush, in each host's command order, hosts
   * in index order within a batch
   * @throws {NodeFailureError} when a node's code threw (node id, step and stack)
   */
  async flush(): Promise<Snapshot[]> {
    this.#send();
    const outstanding = this.#inFlight;
    const snapshots = this.#snapshots;
    this.#inFlight = [];
    this.#snapshots = [];
    for (const batch of outstanding) snapshots.push(...(await this.#guard(batch)).flat());
    return snapshots;
  }

  async #guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await Promise.race([work, this.#failure]);
    } catch (error) {
      this.shutdown();
      throw error;
    }
  }

  /** Stops every host (idempotent). */
  shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
  }
}

/** A host's reply: its value, or its failure thrown as an error. */
function unwrap<T>(reply: HostReply<T>): T {
  if (reply.ok) return reply.value;
  throw failureError(reply.failure);
}

/** The error a host's failure surfaces as: a node's with its node and step, or the host's. */
function failureError(failure: HostFailure): Error {
  if (failure.kind === "node") return NodeFailureError.fromData(failure);
  const error = new Error(failure.detail);
  if (failure.name) error.name = failure.name;
  return error;
}

/** What must match for Workers to be reused: count, placement, server and permissions. */
function shapeOf(options: SupervisorOptions): string {
  return JSON.stringify([
    options.workers,
    options.placement,
    options.server,
    [...(options.readable ?? [])].sort(),
  ]);
}

/** The hosts each pool keeps (outside the class, so that its public face is new and close). */
const pooled = new WeakMap<ActorPool, Supervisor>();

/**
 * Keeps one set of node-actor Workers across runs (the algorithms of a comparison, the values
 * of a sweep): Worker start-up and data loading are paid once. Pass it as a run's `pool`;
 * close it when done.
 */
export class ActorPool {
  /** Terminates the pooled Workers. */
  close(): void {
    pooled.get(this)?.shutdown();
    pooled.delete(this);
  }
}

/** Hosts ready for a run with `options`: the pool's restarted if they fit, else new ones. */
export async function acquireFromPool(
  pool: ActorPool,
  options: SupervisorOptions,
): Promise<Supervisor> {
  const current = pooled.get(pool);
  if (current?.fits(options)) {
    await current.restart(options);
    return current;
  }
  pool.close();
  const started = await Supervisor.start(options);
  pooled.set(pool, started);
  return started;
}
