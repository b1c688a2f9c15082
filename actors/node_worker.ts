/**
 * The node actor: the entry point of every Worker of the actor engine. It hosts one or more
 * nodes (and perhaps the federated server), rebuilds the problem and the algorithm from
 * plain data, and executes the supervisor's commands strictly in order through the iteration
 * templates of `algorithms/` that the sequential engine calls too. Payloads arrive from other
 * Workers on MessagePorts and wait in an inbox until a command uses them.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import * as Comlink from "comlink";
import type { Algorithm, FederatedAlgorithm, Payload } from "../algorithms/algorithm.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import { DecentralizedNode, gradientRng, nodeContext } from "../algorithms/iteration.ts";
import { checkFederatedFinite, trainClient } from "../algorithms/federated_round.ts";
import { checkPayload, copyPayload } from "../algorithms/payload.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { loadProblem } from "../problems/registry.ts";
import type { Problem } from "../problems/problem.ts";
import type { Rng } from "../random.ts";
import {
  type Command,
  pack,
  SELF,
  type Snapshot,
  type Target,
  unpack,
  type WireMessage,
  type WorkerSetup,
} from "./protocol.ts";

/** A federated client or the server, as a Worker hosts it. */
interface FederatedHost {
  /** The server's state (null for a client, whose state lives for one round). */
  server: unknown;
  rng: Rng;
  step: number;
}

class NodeActor {
  #setup!: WorkerSetup;
  #problem!: Problem;
  #algorithm!: Algorithm;
  #gradient!: Float64Array;
  #nodes = new Map<number, DecentralizedNode>();
  #federated = new Map<number, FederatedHost>();
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
    if (setup.problem.module) await import(setup.problem.module);
    this.#algorithm = getAlgorithm(setup.algorithm.name).create(setup.algorithm.params);
    const { spec, nodes, seed } = setup.problem;
    const key = JSON.stringify([spec, nodes, seed]);
    if (key !== this.#problemKey) {
      this.#problem?.dispose?.();
      this.#problem = await loadProblem(spec, nodes, seed);
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
    this.#federated.clear();
    this.#inbox.clear();
    this.#outbox.clear();
    const algorithm = this.#algorithm, problem = this.#problem;
    const x0 = problem.initialParams();
    for (const id of setup.nodes) {
      if (algorithm.kind === "decentralized") {
        this.#nodes.set(
          id,
          new DecentralizedNode(problem, algorithm, id, setup.seed, x0, this.#gradient),
        );
      } else this.#federated.set(id, { server: null, rng: gradientRng(setup.seed, id), step: 0 });
    }
    if (setup.server !== null && algorithm.kind === "federated") {
      const server = algorithm.initServer(nodeContext(problem, -1), x0);
      this.#federated.set(setup.server, { server, rng: gradientRng(setup.seed, -1), step: 0 });
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
        const step = this.#nodes.get(node)?.step ?? this.#federated.get(node)?.step ?? 0;
        throw new NodeFailureError(node, step, error);
      }
    }
    this.#flushOutbox();
    return snapshots;
  }

  async #execute(command: Command): Promise<Snapshot | null> {
    switch (command.op) {
      case "step":
        this.#node(command.node).iterate(command.t);
        return null;
      case "send": {
        const node = this.#node(command.node);
        this.#sendAll(node.send(command.round), command.to);
        return null;
      }
      case "mix": {
        const node = this.#node(command.node);
        const payloads = await Promise.all(
          command.from.map((id) => id === SELF ? node.own(command.round) : this.#take(id)),
        );
        node.mix(command.round, payloads, command.weights);
        return null;
      }
      case "release":
        for (const id of command.ids) this.#inbox.delete(id);
        return null;
      case "snapshot":
        return this.#snapshot(command.node);
      case "broadcast": {
        const algorithm = this.#federatedAlgorithm();
        const payload = algorithm.broadcast(this.#host(command.node).server);
        checkPayload(payload, algorithm.broadcastChannels, this.#problem.dim, "the server");
        this.#sendAll(copyPayload(payload), command.to);
        return null;
      }
      case "client":
        await this.#clientRound(command);
        return null;
      case "aggregate": {
        const host = this.#host(command.node);
        const uploads = await Promise.all(command.from.map((id) => this.#take(id)));
        for (const id of command.from) this.#inbox.delete(id);
        const algorithm = this.#federatedAlgorithm();
        algorithm.aggregate(host.server, uploads, command.weights);
        host.step++;
        const server = { client: null, server: command.node };
        checkFederatedFinite([algorithm.params(host.server)], server, host.step);
        return null;
      }
    }
  }

  #snapshot(id: number): Snapshot {
    const node = this.#nodes.get(id);
    if (node) {
      const rate = node.rate();
      return {
        node: id,
        params: new Float64Array(node.params()),
        rate: rate && new Float64Array(rate),
      };
    }
    const params = this.#federatedAlgorithm().params(this.#host(id).server);
    return { node: id, params: new Float64Array(params), rate: null };
  }

  async #clientRound(command: Extract<Command, { op: "client" }>): Promise<void> {
    const algorithm = this.#federatedAlgorithm();
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
    const who = { client: command.node, server: this.#problem.nodes };
    checkFederatedFinite(Object.values(upload), who, command.round);
    if (command.to) this.#sendAll(copyPayload(upload), [command.to]);
  }

  #node(id: number): DecentralizedNode {
    const node = this.#nodes.get(id);
    if (!node) throw new Error(`node ${id} is not a decentralized node of worker ${this.#where}`);
    return node;
  }

  #host(id: number): FederatedHost {
    const host = this.#federated.get(id);
    if (!host) throw new Error(`node ${id} is not a federated actor of worker ${this.#where}`);
    return host;
  }

  get #where(): number {
    return this.#setup.index;
  }

  #federatedAlgorithm(): FederatedAlgorithm {
    if (this.#algorithm.kind !== "federated") {
      throw new Error(`${this.#algorithm.name} is not a federated algorithm`);
    }
    return this.#algorithm;
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
