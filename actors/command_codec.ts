/**
 * The binary command plane: commands for a node actor written as fixed-layout records into one
 * growable `Float64Array` per Worker (node ids, message ids and steps are integers below 2^53,
 * weights are doubles), and read back in place by the Worker. One batch is one transferred
 * buffer: no object per command is cloned or allocated on either side.
 *
 * Record layouts (every field one float64):
 * - step:      STEP node t
 * - send:      SEND node round k (id to worker)×k
 * - mix:       MIX node round k from×k weight×k
 * - mix from:  MIX_FROM node round k from×k weight×k sender×k   (runs with Byzantine nodes)
 * - release:   RELEASE k id×k
 * - snapshot:  SNAPSHOT node
 * - broadcast: BROADCAST node k (id to worker)×k
 * - client:    CLIENT node round from steps id to worker   (id = −1: no upload)
 * - aggregate: AGGREGATE node round k from×k weight×k client×k
 *
 * @module
 */
import type { Command, Target } from "./protocol.ts";

/** Record kinds. */
export const OP = {
  step: 1,
  send: 2,
  mix: 3,
  release: 4,
  snapshot: 5,
  broadcast: 6,
  client: 7,
  aggregate: 8,
  mixFrom: 9,
} as const;

/** Appends command records to a growable buffer. */
export class CommandWriter {
  #data = new Float64Array(1024);
  #length = 0;
  #count = 0;

  /** Commands written since the last {@linkcode CommandWriter.take}. */
  get count(): number {
    return this.#count;
  }

  #reserve(extra: number): Float64Array {
    if (this.#length + extra > this.#data.length) {
      const bigger = new Float64Array(Math.max(this.#data.length * 2, this.#length + extra));
      bigger.set(this.#data.subarray(0, this.#length));
      this.#data = bigger;
    }
    this.#count++;
    return this.#data;
  }

  #push(data: Float64Array, value: number): void {
    data[this.#length++] = value;
  }

  /** STEP node t. */
  step(node: number, t: number): void {
    const data = this.#reserve(3);
    this.#push(data, OP.step);
    this.#push(data, node);
    this.#push(data, t);
  }

  #targets(op: number, node: number, round: number | null, targets: readonly Target[]): void {
    const data = this.#reserve(4 + 3 * targets.length);
    this.#push(data, op);
    this.#push(data, node);
    if (round !== null) this.#push(data, round);
    this.#push(data, targets.length);
    for (const target of targets) {
      this.#push(data, target.id);
      this.#push(data, target.to);
      this.#push(data, target.worker);
    }
  }

  #weighted(
    op: number,
    node: number,
    round: number,
    from: readonly number[],
    weights: readonly number[],
    who?: readonly number[],
  ): void {
    const data = this.#reserve(4 + (who ? 3 : 2) * from.length);
    this.#push(data, op);
    this.#push(data, node);
    this.#push(data, round);
    this.#push(data, from.length);
    for (const id of from) this.#push(data, id);
    for (const weight of weights) this.#push(data, weight);
    for (const node of who ?? []) this.#push(data, node);
  }

  /** Writes any command. */
  write(command: Command): void {
    switch (command.op) {
      case "step":
        return this.step(command.node, command.t);
      case "send":
        return this.#targets(OP.send, command.node, command.round, command.to);
      case "mix": {
        const { node, round, from, weights, senders } = command;
        return this.#weighted(senders ? OP.mixFrom : OP.mix, node, round, from, weights, senders);
      }
      case "release": {
        const data = this.#reserve(2 + command.ids.length);
        this.#push(data, OP.release);
        this.#push(data, command.ids.length);
        for (const id of command.ids) this.#push(data, id);
        return;
      }
      case "snapshot": {
        const data = this.#reserve(2);
        this.#push(data, OP.snapshot);
        this.#push(data, command.node);
        return;
      }
      case "broadcast":
        return this.#targets(OP.broadcast, command.node, null, command.to);
      case "client": {
        const data = this.#reserve(8);
        for (
          const value of [
            OP.client,
            command.node,
            command.round,
            command.from,
            command.steps,
            command.to?.id ?? -1,
            command.to?.to ?? -1,
            command.to?.worker ?? -1,
          ]
        ) this.#push(data, value);
        return;
      }
      case "aggregate": {
        const { node, round, from, weights, clients } = command;
        return this.#weighted(OP.aggregate, node, round, from, weights, clients);
      }
    }
  }

  /** The records written so far, as a fresh buffer to transfer; the writer starts empty. */
  take(): Float64Array {
    const batch = this.#data.slice(0, this.#length);
    this.#length = 0;
    this.#count = 0;
    return batch;
  }
}

/** Reads command records in place; `at` is the offset of the current record. */
export class CommandReader {
  /** The batch. */
  readonly data: Float64Array;
  /** Offset of the current record's first field. */
  at = 0;
  #next = 0;

  /** @param data a batch written by {@linkcode CommandWriter} */
  constructor(data: Float64Array) {
    this.data = data;
  }

  /** Moves to the next record; false at the end. */
  next(): boolean {
    this.at = this.#next;
    if (this.at >= this.data.length) return false;
    this.#next = this.at + recordLength(this.data, this.at);
    return true;
  }

  /** The next record's kind, or −1 at the end (the current record stays current). */
  peek(): number {
    return this.#next < this.data.length ? this.data[this.#next] : -1;
  }

  /** The current record's kind ({@linkcode OP}). */
  get op(): number {
    return this.data[this.at];
  }

  /** Field `k` of the current record (0 is the kind). */
  field(k: number): number {
    return this.data[this.at + k];
  }

  /** The node the current record is for (every kind but RELEASE). */
  get node(): number {
    return this.data[this.at + 1];
  }

  /** SEND, MIX: the exchange round; CLIENT, AGGREGATE: the federated round. */
  get round(): number {
    return this.data[this.at + 2];
  }

  /** STEP: the iteration the node takes. */
  get t(): number {
    return this.data[this.at + 2];
  }

  /** The node of the next record, which must be a STEP (see {@linkcode CommandReader.peek}). */
  get nextStepNode(): number {
    return this.data[this.#next + 1];
  }

  /** Where the current record's count field is (BROADCAST: 2, RELEASE: 1, the rest 3). */
  get #countAt(): number {
    const op = this.op;
    return op === OP.broadcast ? 2 : op === OP.release ? 1 : 3;
  }

  /** SEND, MIX, RELEASE, BROADCAST, AGGREGATE: how many targets, sources or ids it lists. */
  get count(): number {
    return this.data[this.at + this.#countAt];
  }

  /** MIX, AGGREGATE: the message id of source `j` (SELF for the node's own); RELEASE: id `j`. */
  source(j: number): number {
    return this.data[this.at + this.#countAt + 1 + j];
  }

  /** MIX, AGGREGATE: the sources' weights, as a view of the batch. */
  weights(): Float64Array {
    const first = this.at + this.#countAt + 1 + this.count;
    return this.data.subarray(first, first + this.count);
  }

  /**
   * MIX_FROM: the node each source came from; AGGREGATE: each upload's client (views of the
   * batch); MIX: null (the run has no Byzantine nodes, so nothing asks).
   */
  senders(): Float64Array | null {
    if (this.op !== OP.mixFrom && this.op !== OP.aggregate) return null;
    const first = this.at + this.#countAt + 1 + 2 * this.count;
    return this.data.subarray(first, first + this.count);
  }

  /**
   * SEND, BROADCAST: the targets; CLIENT: its upload's target (none when it has no upload).
   * Each is a message id and the Worker of its receiver.
   */
  targets(): { readonly count: number; id(j: number): number; worker(j: number): number } {
    const { data } = this;
    const client = this.op === OP.client;
    const first = client ? this.at + 5 : this.at + this.#countAt + 1;
    const count = client ? (data[this.at + 5] >= 0 ? 1 : 0) : this.count;
    return { count, id: (j) => data[first + 3 * j], worker: (j) => data[first + 3 * j + 2] };
  }

  /** CLIENT: the broadcast it trains from and its local steps. */
  get client(): { readonly from: number; readonly steps: number } {
    return { from: this.data[this.at + 3], steps: this.data[this.at + 4] };
  }
}

/** The number of fields of the record at `at`. */
function recordLength(data: Float64Array, at: number): number {
  switch (data[at]) {
    case OP.step:
      return 3;
    case OP.send:
      return 4 + 3 * data[at + 3];
    case OP.mix:
      return 4 + 2 * data[at + 3];
    case OP.mixFrom:
      return 4 + 3 * data[at + 3];
    case OP.release:
      return 2 + data[at + 1];
    case OP.snapshot:
      return 2;
    case OP.broadcast:
      return 3 + 3 * data[at + 2];
    case OP.client:
      return 8;
    case OP.aggregate:
      return 4 + 3 * data[at + 3];
    default:
      throw new RangeError(`Cannot read command: unknown record kind ${data[at]} at ${at}`);
  }
}
