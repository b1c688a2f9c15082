/**
 * The supervisor: spawns the Workers with least privilege, places nodes on them, wires a
 * MessageChannel between every pair (the data plane), and drives them through comlink (the
 * control plane) in batches of commands. The first failure anywhere terminates every Worker
 * and surfaces with the node id; nothing waits without a bound.
 *
 * @module
 */
import * as Comlink from "comlink";
import type { Command, Snapshot, WorkerSetup } from "./protocol.ts";
import { CommandWriter } from "./command_codec.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";

interface NodeActorApi {
  init(setup: WorkerSetup, peers: Record<number, MessagePort> | null): Promise<string>;
  run(commands: Float64Array): Promise<Snapshot[]>;
}

/** Where each node lives: contiguous blocks of nodes per Worker. */
export function placeNodes(nodes: number, workers: number): number[] {
  return Array.from({ length: nodes }, (_, node) => Math.floor((node * workers) / nodes));
}

/** The default Worker count: one per core, at most one per node. */
export function defaultWorkers(nodes: number): number {
  return Math.max(1, Math.min(nodes, navigator.hardwareConcurrency || 2));
}

/** The permissions every node actor gets: read where code and data live, nothing else. */
function workerPermissions(readable: string[]): Deno.PermissionOptionsObject {
  return {
    read: readable.length ? readable : false,
    write: false,
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
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
  /** Folders the Workers may read (data directories). */
  readable?: string[];
}

/** Drives a set of node-actor Workers. */
export class Supervisor {
  #workers: Worker[];
  #apis: Comlink.Remote<NodeActorApi>[];
  #queues: CommandWriter[];
  #failure: Promise<never>;
  #fail!: (error: Error) => void;
  #closed = false;
  #shape = "";
  /** The federated server's node id, to name it in failures (−1 without one). */
  #server = -1;
  #epoch = 0;
  #inFlight: Promise<Snapshot[][]>[] = [];
  #snapshots: Snapshot[] = [];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#apis = workers.map((worker) => Comlink.wrap<NodeActorApi>(worker));
    this.#queues = workers.map(() => new CommandWriter());
    this.#failure = new Promise<never>((_, reject) => (this.#fail = reject));
    this.#failure.catch(() => {});
    workers.forEach((worker, index) => {
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        this.#fail(new Error(`worker ${index} crashed: ${event.message}`));
      });
    });
  }

  /**
   * Spawns and initialises the Workers.
   *
   * @param options Worker count, placement and the shared setup
   * @returns a supervisor whose Workers are ready
   */
  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const url = new URL("./node_worker.ts", import.meta.url);
    const workers = Array.from({ length: options.workers }, (_, index) =>
      new Worker(url, {
        type: "module",
        name: `gossim-node-actor-${index}`,
        deno: { permissions: workerPermissions(options.readable ?? []) },
      }));
    const supervisor = new Supervisor(workers);
    try {
      const ports = Array.from(
        { length: options.workers },
        () => ({} as Record<number, MessagePort>),
      );
      for (let a = 0; a < options.workers; a++) {
        for (let b = a + 1; b < options.workers; b++) {
          const channel = new MessageChannel();
          ports[a][b] = channel.port1;
          ports[b][a] = channel.port2;
        }
      }
      await supervisor.#initialise(options, (index) => {
        const peers = ports[index];
        return Comlink.transfer(peers, Object.values(peers));
      });
    } catch (error) {
      supervisor.shutdown();
      throw error;
    }
    supervisor.#shape = shapeOf(options);
    supervisor.#server = options.server?.node ?? -1;
    return supervisor;
  }

  /** Sends every Worker its setup (and, the first time, its channels). */
  #initialise(
    options: SupervisorOptions,
    peers: (index: number) => Record<number, MessagePort> | null,
  ): Promise<string[]> {
    return this.#guard(Promise.all(this.#apis.map((api, index) => {
      const nodes = options.placement.flatMap((worker, node) => worker === index ? [node] : []);
      const server = options.server?.worker === index ? options.server.node : null;
      const setup = { ...options.setup, index, nodes, server, epoch: this.#epoch };
      return api.init(setup, peers(index));
    })));
  }

  /** Whether these Workers can serve a run with `options` (same count, placement, rights). */
  fits(options: SupervisorOptions): boolean {
    return !this.#closed && this.#shape === shapeOf(options);
  }

  /**
   * Prepares the same Workers for another run: nodes start afresh; a Worker whose problem is
   * unchanged keeps it (no data reloaded).
   */
  async restart(options: SupervisorOptions): Promise<void> {
    if (!this.fits(options)) throw new Error("Cannot restart: the Workers do not fit this run");
    this.#epoch++;
    await this.#initialise(options, () => null);
  }

  /** Whether the Workers were terminated. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues a command for Worker `worker` (sent at the next flush). */
  enqueue(worker: number, command: Command): void {
    this.#queues[worker].write(command);
  }

  /** Commands queued and not yet flushed. */
  get pending(): number {
    return this.#queues.reduce((sum, queue) => sum + queue.count, 0);
  }

  /**
   * Sends the queued commands without waiting for them (the Workers run batches in order);
   * waits only when more than `maxInFlight` batches are outstanding, which bounds memory.
   */
  async dispatch(maxInFlight = 8): Promise<void> {
    this.#send();
    while (this.#inFlight.length > maxInFlight) {
      this.#snapshots.push(...(await this.#guard(this.#inFlight.shift()!)).flat());
    }
  }

  /** Posts the queued commands, one transferred buffer of records per Worker. */
  #send(): void {
    const sent = Promise.all(this.#queues.map((queue, index) => {
      if (!queue.count) return [];
      const batch = queue.take();
      return this.#apis[index].run(Comlink.transfer(batch, [batch.buffer as ArrayBuffer]));
    }));
    sent.catch(() => {});
    this.#inFlight.push(sent);
  }

  /**
   * Sends every queued command and waits until all Workers have executed everything sent so
   * far (not what is sent after this call: the batches waited for are taken at the call, so
   * a caller may go on queueing and dispatching meanwhile).
   *
   * @returns the snapshots taken since the last flush, in each Worker's command order,
   * Workers in index order within a batch
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
      throw reviveFailure(error, this.#server);
    }
  }

  /** Terminates every Worker (idempotent). */
  shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const api of this.#apis) api[Comlink.releaseProxy]();
    for (const worker of this.#workers) worker.terminate();
  }
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

/**
 * Keeps one set of node-actor Workers across runs (the algorithms of a comparison, the values
 * of a sweep): Worker start-up and data loading are paid once. Close it when done.
 */
export class ActorPool {
  #supervisor: Supervisor | null = null;

  /** Workers ready for a run with `options`: the pooled ones restarted, or new ones. */
  async acquire(options: SupervisorOptions): Promise<Supervisor> {
    const current = this.#supervisor;
    if (current?.fits(options)) {
      await current.restart(options);
      return current;
    }
    current?.shutdown();
    this.#supervisor = null;
    this.#supervisor = await Supervisor.start(options);
    return this.#supervisor;
  }

  /** Terminates the pooled Workers. */
  close(): void {
    this.#supervisor?.shutdown();
    this.#supervisor = null;
  }
}

/** Comlink sends errors as plain Errors: recover the node id and step from the message. */
function reviveFailure(error: unknown, server: number): Error {
  if (error instanceof NodeFailureError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(?:node (-?\d+)|the server) failed at step (\d+): ([\s\S]*)$/.exec(message);
  if (!match) return error instanceof Error ? error : new Error(message);
  const cause = new Error(match[3]);
  cause.stack = match[3];
  if (match[1] === undefined) {
    return new NodeFailureError(server, Number(match[2]), cause, "the server");
  }
  return new NodeFailureError(Number(match[1]), Number(match[2]), cause);
}
