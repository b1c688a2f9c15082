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
import { type Vector, vectorOf } from "../vector.ts";
import * as Comlink from "comlink";
import type { Algorithm, DecentralizedAlgorithm, Payload } from "../algorithms/algorithm.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import { BLOCK_NODES, DecentralizedNode, nodeVectorMemory } from "../algorithms/iteration.ts";
import type { VectorMemory } from "../algorithms/vector_memory.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { loadProblem } from "../problems/registry.ts";
import { gradientsOf, type Problem } from "../problems/problem.ts";
import { SELF, type Snapshot, type WorkerSetup } from "./protocol.ts";
import { CommandReader, OP } from "./command_codec.ts";
import { ChannelKind } from "./payload_batch.ts";
import {
  importExchangeModules,
  type NodeStages,
  nodeStages,
  runByzantine,
} from "../exchange/registry.ts";
import { aggregateInto, encodeSent } from "../exchange/node_exchange.ts";
import { Mailbox } from "./mailbox.ts";
import { FederatedHosts } from "./federated_hosts.ts";
import { PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import { type HostReply, hostReply } from "./transport.ts";

class NodeActor {
  #setup!: WorkerSetup;
  #problem!: Problem;
  #algorithm!: Algorithm;
  #nodes = new Map<number, DecentralizedNode>();
  /** Gradient buffers of a node block (a block is at most BLOCK_NODES of the hosted nodes). */
  #blockGradients: Vector[] = [];
  /** The vector memory of the last decentralized run (see vector_memory.ts). */
  #memory: VectorMemory | null = null;
  #federated: FederatedHosts | null = null;
  /** Each hosted node's encoder and aggregator (the federated server's too). */
  #stages = new Map<number, NodeStages>();
  /** Payloads to and from the other Workers. */
  #mail = new Mailbox();

  #problemKey = "";

  /**
   * Prepares a run: wires the channels to the other Workers (first time only), rebuilds the
   * problem unless the same one is already loaded, and starts every hosted node afresh.
   */
  init(
    setup: WorkerSetup,
    peers: Record<number, MessagePort> | null,
  ): Promise<HostReply<string>> {
    return hostReply(setup.index, this.#init(setup, peers));
  }

  async #init(setup: WorkerSetup, peers: Record<number, MessagePort> | null): Promise<string> {
    this.#setup = setup;
    if (setup.algorithm.module) await import(setup.algorithm.module);
    if (setup.problem.module) await import(setup.problem.module);
    await importExchangeModules(setup.exchange);
    this.#algorithm = getAlgorithm(setup.algorithm.name).create(setup.algorithm.params);
    const { spec, nodes, seed } = setup.problem;
    const key = JSON.stringify([spec, nodes, seed]);
    if (key !== this.#problemKey) {
      this.#problem?.dispose?.();
      this.#problem = await loadProblem(spec, nodes, seed);
      this.#problemKey = key;
    }
    this.#mail.start({
      index: setup.index,
      epoch: setup.epoch,
      waitTimeoutMs: setup.waitTimeoutMs,
      channels: (kind) => this.#channels(kind),
    }, peers);
    this.#nodes.clear();
    this.#federated = null;
    this.#stages.clear();
    const byzantine = runByzantine(setup.exchange, nodes, seed);
    for (const id of [...setup.nodes, ...(setup.server === null ? [] : [setup.server])]) {
      this.#stages.set(id, nodeStages(setup.exchange, id, seed, byzantine));
    }
    const algorithm = this.#algorithm, problem = this.#problem;
    const x0 = problem.initialParams();
    if (algorithm.kind === "federated") {
      this.#federated = new FederatedHosts({
        algorithm,
        problem,
        mail: this.#mail,
        stages: (id) => this.#stage(id),
        clients: setup.nodes,
        server: setup.server,
        seed: setup.seed,
        worker: setup.index,
        x0,
        recycle: this.#memory,
      });
      this.#memory = this.#federated.memory;
    } else this.#startNodes(algorithm, x0);
    return `worker ${setup.index}: ${setup.nodes.length} nodes`;
  }

  /**
   * The hosted decentralized nodes afresh: their state, one shared set of mix sums (a node's
   * mix gathers and folds at once) and the block's gradients live in one vector memory, the
   * Worker's last one recycled (it owns every vector of its last run, all dropped by now).
   */
  #startNodes(algorithm: DecentralizedAlgorithm, x0: Float64Array): void {
    const setup = this.#setup, problem = this.#problem, d = problem.dim;
    const blocks = Math.min(setup.nodes.length, BLOCK_NODES);
    const memory = this.#memory = nodeVectorMemory(problem, algorithm, x0, setup.nodes.length, {
      sharedMix: true,
      extra: blocks,
      recycle: this.#memory,
    });
    const zeros = () => memory?.zeros(d) ?? vectorOf(problem.precision, d);
    this.#blockGradients = Array.from({ length: blocks }, zeros);
    const scratch = { mixed: [] as Payload[], memory };
    for (const id of setup.nodes) {
      this.#nodes.set(id, new DecentralizedNode(problem, algorithm, id, setup.seed, x0, scratch));
    }
  }

  #previous: Promise<unknown> = Promise.resolve();

  /** Runs a batch after every batch received before it (batches may arrive back to back). */
  run(commands: Float64Array): Promise<HostReply<Snapshot[]>> {
    const result = this.#previous.then(() => this.#runBatch(commands));
    this.#previous = result.catch(() => {});
    // Snapshots are copies made for the main thread: their buffers move, never cloned.
    return hostReply(this.#setup.index, result).then((answer) =>
      answer.ok ? Comlink.transfer(answer, answer.value.flatMap(snapshotBuffers)) : answer
    );
  }

  async #runBatch(commands: Float64Array): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    const reader = new CommandReader(commands);
    while (reader.next()) {
      if (reader.op === OP.step) {
        await this.#stepBlock(reader);
        continue;
      }
      const node = reader.op === OP.release ? -1 : reader.node;
      try {
        const snapshot = await this.#execute(reader);
        if (snapshot) snapshots.push(snapshot);
      } catch (error) {
        if (error instanceof NodeFailureError) throw error;
        const step = this.#nodes.get(node)?.step ?? this.#federated?.step(node) ?? 0;
        throw new NodeFailureError(node, step, error);
      }
    }
    this.#mail.post();
    return snapshots;
  }

  /**
   * A node block: the current STEP record and the STEP records right after it (other nodes, so
   * independent — in sync mode a round's steps come together) have their gradients computed
   * together (`gradientsOf`: one tfjs program for neural problems, awaited on WebGPU), then
   * each node takes its local step in command order. Same arithmetic as one node at a time.
   */
  async #stepBlock(reader: CommandReader): Promise<void> {
    this.#mail.post(); // nothing queued waits behind the block's gradients
    const block: { node: DecentralizedNode; t: number }[] = [];
    const seen = new Set<number>();
    for (;;) {
      const node = this.#node(reader.node);
      block.push({ node, t: reader.t });
      seen.add(node.id);
      if (block.length === BLOCK_NODES || reader.peek() !== OP.step) break;
      if (seen.has(reader.nextStepNode)) break;
      reader.next();
    }
    const inputs = block.map(({ node, t }) => node.gradientInput(t));
    const outs = this.#blockGradients.slice(0, block.length);
    let k = 0;
    try {
      await gradientsOf(
        this.#problem,
        block.map(({ node }) => node.id),
        inputs.map((input) => input.point),
        outs,
        inputs.map((input) => input.rng),
      );
      for (; k < block.length; k++) block[k].node.applyGradient(block[k].t, outs[k]);
    } catch (error) {
      if (error instanceof NodeFailureError) throw error;
      const failed = block[Math.min(k, block.length - 1)];
      throw new NodeFailureError(failed.node.id, failed.t, error);
    }
  }

  /** Executes the reader's current record (layouts in command_codec.ts). */
  async #execute(record: CommandReader): Promise<Snapshot | null> {
    switch (record.op) {
      case OP.send: {
        const node = this.#node(record.node), round = record.round;
        const { encoder } = this.#stage(node.id);
        const wire = encodeSent(encoder, node.send(round), node.id, round, node.step);
        node.recordWire(round, wire);
        this.#mail.send(wire, ChannelKind.Exchange, record);
        return null;
      }
      case OP.mix:
      case OP.mixFrom:
        await this.#mix(record);
        return null;
      case OP.release:
        for (let j = 0; j < record.count; j++) this.#mail.release(record.source(j));
        return null;
      case OP.snapshot:
        return this.#snapshot(record.node);
      case OP.broadcast:
        this.#federatedHosts().broadcast(record);
        return null;
      case OP.client:
        await this.#federatedHosts().client(record);
        return null;
      case OP.aggregate:
        await this.#federatedHosts().aggregate(record);
        return null;
      default:
        throw new RangeError(`Cannot execute command: unknown record kind ${record.op}`);
    }
  }

  /** MIX: the node's aggregate of the values it holds for the round, folded in. */
  async #mix(record: CommandReader): Promise<void> {
    // The payloads sent so far go out before the first mix after the sends: the other
    // Workers' mixes of this round are waiting for them.
    this.#mail.post();
    const node = this.#node(record.node), round = record.round, k = record.count;
    const payloads: Payload[] = [];
    let self = -1;
    for (let j = 0; j < k; j++) {
      const id = record.source(j);
      if (id === SELF) self = j;
      payloads.push(id === SELF ? node.self(round) : await this.#mail.take(id));
    }
    const senders = record.senders();
    const from = senders ? { senders, t: node.step } : undefined;
    aggregateInto(node, this.#stage(node.id), round, payloads, record.weights(), self, from);
    node.fold(round);
  }

  #snapshot(id: number): Snapshot {
    const node = this.#nodes.get(id);
    if (node) {
      const rate = node.rate();
      return {
        node: id,
        params: new Float64Array(node.params()),
        rate: rate && new Float64Array(rate),
        tracking: node.tracking(),
        memory: node.memory(),
        probe: new Float64Array(node.probe()),
      };
    }
    return this.#federatedHosts().snapshot(id);
  }

  #node(id: number): DecentralizedNode {
    const node = this.#nodes.get(id);
    if (!node) throw new Error(`node ${id} is not a decentralized node of worker ${this.#where}`);
    return node;
  }

  #stage(id: number): NodeStages {
    const stages = this.#stages.get(id);
    if (!stages) throw new Error(`node ${id} has no exchange stages on worker ${this.#where}`);
    return stages;
  }

  get #where(): number {
    return this.#setup.index;
  }

  #federatedHosts(): FederatedHosts {
    if (!this.#federated) throw new Error(`${this.#algorithm.name} is not a federated algorithm`);
    return this.#federated;
  }

  /** The vector names of a channel kind, in wire order. */
  #channels(kind: ChannelKind): readonly string[] {
    const algorithm = this.#algorithm;
    if (algorithm.kind === "decentralized") return [...algorithm.channels, PROBE_CHANNEL];
    return kind === ChannelKind.Broadcast ? algorithm.broadcastChannels : algorithm.uploadChannels;
  }
}

/** The buffers of a snapshot's copies. */
function snapshotBuffers(snapshot: Snapshot): ArrayBuffer[] {
  const buffers = [snapshot.params.buffer as ArrayBuffer];
  if (snapshot.rate) buffers.push(snapshot.rate.buffer as ArrayBuffer);
  if (snapshot.tracking) buffers.push(snapshot.tracking.buffer as ArrayBuffer);
  if (snapshot.memory) {
    buffers.push(snapshot.memory.copy.buffer as ArrayBuffer);
    buffers.push(snapshot.memory.sum.buffer as ArrayBuffer);
  }
  if (snapshot.probe) buffers.push(snapshot.probe.buffer as ArrayBuffer);
  return buffers;
}

Comlink.expose(new NodeActor());
