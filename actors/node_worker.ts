/**
 * The node actor: the entry point of every Worker of the actor engine. It hosts one or more
 * nodes (and perhaps the federated server), rebuilds the problem and the algorithm from
 * plain data, and executes the supervisor's commands strictly in order. Payloads arrive
 * from other Workers on MessagePorts and wait in an inbox until a command uses them.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import * as Comlink from "comlink";
import type {
  Algorithm,
  DecentralizedAlgorithm,
  FederatedAlgorithm,
  Payload,
} from "../algorithms/algorithm.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import { type AnyProblemSpec, loadProblem } from "../problems/registry.ts";
import type { Problem } from "../problems/problem.ts";
import type { Rng } from "../random.ts";
import { context, copyPayload, gradientRng, mixPayloads, trainClient } from "./sequential.ts";
import {
  checkPayload,
  type Command,
  NodeFailureError,
  pack,
  SELF,
  type Snapshot,
  type Target,
  unpack,
  type WireMessage,
  type WorkerSetup,
} from "./protocol.ts";

interface Hosted {
  state: unknown;
  rng: Rng;
  step: number;
  /** The node's own payload of each exchange round, as it was sent. */
  own: Payload[];
}

class NodeActor {
  #setup!: WorkerSetup;
  #problem!: Problem;
  #algorithm!: Algorithm;
  #gradient!: Float64Array;
  #nodes = new Map<number, Hosted>();
  #ports = new Map<number, MessagePort>();
  #inbox = new Map<number, Payload>();
  #waiting = new Map<number, (payload: Payload) => void>();
  /** Messages for other Workers, posted together before any wait and after every batch. */
  #outbox = new Map<number, WireMessage[]>();

  #problemKey = "";

  /**
   * Prepares a run: wires the channels to the other Workers (first time only), rebuilds the
   * problem unless the same one is already loaded, and starts every hosted node afresh.
   */
  async init(setup: WorkerSetup, peers: Record<number, MessagePort> | null): Promise<string> {
    this.#setup = setup;
    if (setup.algorithm.module) await import(setup.algorithm.module);
    this.#algorithm = getAlgorithm(setup.algorithm.name).create(setup.algorithm.params);
    const { spec, nodes, seed } = setup.problem;
    const key = JSON.stringify([spec, nodes, seed]);
    if (key !== this.#problemKey) {
      (this.#problem as { dispose?: () => void } | undefined)?.dispose?.();
      this.#problem = await loadProblem(spec as AnyProblemSpec, nodes, seed);
      this.#problemKey = key;
    }
    this.#gradient = new Float64Array(this.#problem.dim);
    for (const [worker, port] of Object.entries(peers ?? {})) {
      port.onmessage = (event: MessageEvent<WireMessage[]>) => {
        for (const message of event.data) this.#receive(message);
      };
      this.#ports.set(Number(worker), port);
    }
    this.#nodes.clear();
    this.#inbox.clear();
    this.#outbox.clear();
    const x0 = this.#problem.initialParams();
    for (const id of setup.nodes) {
      const state = this.#algorithm.kind === "decentralized"
        ? this.#algorithm.init(context(this.#problem, id), x0)
        : undefined;
      this.#nodes.set(id, { state, rng: gradientRng(setup.seed, id), step: 0, own: [] });
    }
    if (setup.server !== null && this.#algorithm.kind === "federated") {
      const state = this.#algorithm.initServer(context(this.#problem, -1), x0);
      this.#nodes.set(setup.server, { state, rng: gradientRng(setup.seed, -1), step: 0, own: [] });
    }
    return `worker ${setup.index}: ${setup.nodes.length} nodes`;
  }

  #previous: Promise<unknown> = Promise.resolve();

  /** Runs a batch after every batch received before it (batches may arrive back to back). */
  run(commands: Command[]): Promise<Snapshot[]> {
    const result = this.#previous.then(() => this.#runBatch(commands));
    this.#previous = result.catch(() => {});
    return result;
  }

  async #runBatch(commands: Command[]): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    for (const command of commands) {
      const node = "node" in command ? command.node : -1;
      try {
        const snapshot = await this.#execute(command);
        if (snapshot) snapshots.push(snapshot);
      } catch (error) {
        if (error instanceof NodeFailureError) throw error;
        throw new NodeFailureError(node, this.#nodes.get(node)?.step ?? 0, error);
      }
    }
    this.#flushOutbox();
    return snapshots;
  }

  async #execute(command: Command): Promise<Snapshot | null> {
    switch (command.op) {
      case "step": {
        const algorithm = this.#decentralized("step");
        const host = this.#host(command.node);
        host.step = command.t;
        this.#problem.gradient(
          command.node,
          algorithm.gradientPoint(host.state),
          this.#gradient,
          host.rng,
        );
        algorithm.localStep(host.state, this.#gradient, command.t);
        return null;
      }
      case "send": {
        const algorithm = this.#decentralized("send");
        const host = this.#host(command.node);
        const payload = algorithm.outgoing(host.state, command.round);
        checkPayload(payload, algorithm.channels, this.#problem.dim, `node ${command.node}`);
        host.own[command.round] = copyPayload(payload);
        this.#sendAll(host.own[command.round], command.to);
        return null;
      }
      case "mix": {
        const algorithm = this.#decentralized("mix");
        const host = this.#host(command.node);
        const payloads = await Promise.all(
          command.from.map((id) => id === SELF ? host.own[command.round] : this.#take(id)),
        );
        algorithm.mix(host.state, command.round, mixPayloads(payloads, command.weights));
        return null;
      }
      case "release":
        for (const id of command.ids) this.#inbox.delete(id);
        return null;
      case "snapshot": {
        const algorithm = this.#algorithm;
        const host = this.#host(command.node);
        const params = new Float64Array(algorithm.params(host.state as never));
        const rate = algorithm.kind === "decentralized" && algorithm.adaptiveRate
          ? new Float64Array(algorithm.adaptiveRate(host.state))
          : null;
        return { node: command.node, params, rate };
      }
      case "broadcast": {
        const algorithm = this.#federated("broadcast");
        const payload = algorithm.broadcast(this.#host(command.node).state);
        checkPayload(payload, algorithm.broadcastChannels, this.#problem.dim, "the server");
        this.#sendAll(copyPayload(payload), command.to);
        return null;
      }
      case "client":
        await this.#clientRound(command);
        return null;
      case "aggregate": {
        const algorithm = this.#federated("aggregate");
        const host = this.#host(command.node);
        const uploads = await Promise.all(command.from.map((id) => this.#take(id)));
        for (const id of command.from) this.#inbox.delete(id);
        algorithm.aggregate(host.state, uploads, command.weights);
        host.step++;
        return null;
      }
    }
  }

  async #clientRound(command: Extract<Command, { op: "client" }>): Promise<void> {
    const algorithm = this.#federated("client");
    const host = this.#host(command.node);
    const global = await this.#take(command.from);
    this.#inbox.delete(command.from);
    const upload = trainClient(
      this.#problem,
      algorithm,
      command.node,
      global,
      command.steps,
      host.rng,
      this.#gradient,
    );
    host.step++;
    checkPayload(upload, algorithm.uploadChannels, this.#problem.dim, `client ${command.node}`);
    if (command.to) this.#sendAll(copyPayload(upload), [command.to]);
  }

  #decentralized(op: string): DecentralizedAlgorithm {
    if (this.#algorithm.kind !== "decentralized") {
      throw new Error(`${op} needs a decentralized algorithm, ${this.#algorithm.name} is not`);
    }
    return this.#algorithm;
  }

  #federated(op: string): FederatedAlgorithm {
    if (this.#algorithm.kind !== "federated") {
      throw new Error(`${op} needs a federated algorithm, ${this.#algorithm.name} is not`);
    }
    return this.#algorithm;
  }

  #host(node: number): Hosted {
    const host = this.#nodes.get(node);
    if (!host) throw new Error(`node ${node} is not hosted on worker ${this.#setup.index}`);
    return host;
  }

  /** Sends one copy of `payload` per target: transferred to other Workers, kept if local. */
  #sendAll(payload: Payload, targets: readonly Target[]): void {
    for (const target of targets) {
      const message = pack(this.#setup.epoch, target.id, payload);
      if (target.worker === this.#setup.index) this.#receive(message);
      else {
        if (!this.#ports.has(target.worker)) {
          throw new Error(`no channel to worker ${target.worker}`);
        }
        const queued = this.#outbox.get(target.worker);
        if (queued) queued.push(message);
        else this.#outbox.set(target.worker, [message]);
      }
    }
  }

  /** Posts every queued message, one postMessage per Worker, buffers transferred. */
  #flushOutbox(): void {
    for (const [worker, messages] of this.#outbox) {
      const buffers = messages.map((message) => message.data.buffer as ArrayBuffer);
      this.#ports.get(worker)!.postMessage(messages, buffers);
    }
    this.#outbox.clear();
  }

  #receive(message: WireMessage): void {
    if (message.epoch !== this.#setup.epoch) return; // a late payload of an earlier run
    const payload = unpack(message);
    const waiter = this.#waiting.get(message.id);
    this.#inbox.set(message.id, payload);
    if (waiter) {
      this.#waiting.delete(message.id);
      waiter(payload);
    }
  }

  /** The payload of message `id`, waiting (boundedly) until it arrives. */
  #take(id: number): Promise<Payload> | Payload {
    const payload = this.#inbox.get(id);
    if (payload) return payload;
    this.#flushOutbox();
    return new Promise<Payload>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`message ${id} did not arrive within ${this.#setup.waitTimeoutMs} ms`));
      }, this.#setup.waitTimeoutMs);
      this.#waiting.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}

Comlink.expose(new NodeActor());
