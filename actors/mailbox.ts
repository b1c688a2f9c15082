/**
 * A Worker's data plane: the payloads its nodes send to other Workers, queued per Worker and
 * posted as one transferred batch (before the Worker waits, before it computes, after every
 * command batch), and the inbox where payloads, local or received, wait by message id until a
 * command takes them (a bounded wait). A batch from an earlier run (another epoch) is ignored.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";
import { sendCopies } from "../algorithms/payload.ts";
import type { CommandReader } from "./command_codec.ts";
import { type ChannelKind, PayloadBatchWriter, readPayloadBatch } from "./payload_batch.ts";

/** What a run tells the mailbox. */
export interface MailboxRun {
  /** This Worker's index. */
  index: number;
  /** The run's epoch (stamped on every batch). */
  epoch: number;
  /** Wall-clock bound on waiting for one message (ms). */
  waitTimeoutMs: number;
  /** The vector names of a channel kind, in wire order. */
  channels: (kind: ChannelKind) => readonly string[];
}

/** The payloads one Worker sends and receives. */
export class Mailbox {
  #run: MailboxRun = { index: -1, epoch: -1, waitTimeoutMs: 0, channels: () => [] };
  #ports = new Map<number, MessagePort>();
  #inbox = new Map<number, Payload>();
  #waiting = new Map<number, (payload: Payload) => void>();
  #outbox = new Map<number, PayloadBatchWriter>();
  /** Payloads the outbox holds until it posts them (send copies are held: see `SendCopies`). */
  #outgoing: Payload[] = [];

  /**
   * Starts a run with an empty inbox and outbox; `peers` (given once, with the first run) are
   * the channels to the other Workers by index.
   */
  start(run: MailboxRun, peers: Record<number, MessagePort> | null): void {
    this.#run = run;
    for (const [worker, port] of Object.entries(peers ?? {})) {
      port.onmessage = (event: MessageEvent<Float64Array>) => this.#receive(event.data);
      this.#ports.set(Number(worker), port);
    }
    this.#inbox.clear();
    this.#outbox.clear();
    this.#outgoing = [];
  }

  /**
   * Delivers `payload` to the targets of the current `record` (SEND, BROADCAST, CLIENT): kept
   * as it is for this Worker's nodes, queued once per other Worker for the next
   * {@linkcode Mailbox.post}.
   */
  send(payload: Payload, kind: ChannelKind, record: CommandReader) {
    const targets = record.targets();
    const remote = new Map<number, number[]>();
    for (let j = 0; j < targets.count; j++) {
      const id = targets.id(j), worker = targets.worker(j);
      if (worker === this.#run.index) {
        sendCopies.hold(payload);
        this.#deliver(id, payload);
      } else {
        if (!this.#ports.has(worker)) throw new Error(`no channel to worker ${worker}`);
        const ids = remote.get(worker);
        if (ids) ids.push(id);
        else remote.set(worker, [id]);
      }
    }
    for (const [worker, ids] of remote) {
      let batch = this.#outbox.get(worker);
      if (!batch) this.#outbox.set(worker, batch = new PayloadBatchWriter());
      batch.add(ids, kind, payload, this.#run.channels(kind));
      sendCopies.hold(payload);
      this.#outgoing.push(payload);
    }
  }

  /** Posts every queued payload batch, one transferred buffer per Worker. */
  post(): void {
    for (const [worker, batch] of this.#outbox) {
      if (batch.empty) continue;
      const data = batch.take(this.#run.epoch);
      this.#ports.get(worker)!.postMessage(data, [data.buffer as ArrayBuffer]);
    }
    for (const payload of this.#outgoing) sendCopies.drop(payload);
    this.#outgoing = [];
  }

  /**
   * The payload of message `id`, waiting (boundedly) until it arrives; what this Worker queued
   * is posted before it waits.
   */
  take(id: number): Promise<Payload> | Payload {
    const payload = this.#inbox.get(id);
    if (payload) return payload;
    this.post();
    const timeoutMs = this.#run.waitTimeoutMs;
    return new Promise<Payload>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`message ${id} did not arrive within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  /** Drops message `id` from the inbox (no command will take it again). */
  release(id: number): void {
    const payload = this.#inbox.get(id);
    if (!payload) return;
    this.#inbox.delete(id);
    sendCopies.drop(payload);
  }

  #receive(data: Float64Array): void {
    if (data[0] !== this.#run.epoch) return; // a late batch of an earlier run
    readPayloadBatch(data, this.#run.channels, (id, payload) => this.#deliver(id, payload));
  }

  #deliver(id: number, payload: Payload): void {
    const waiter = this.#waiting.get(id);
    this.#inbox.set(id, payload);
    if (waiter) {
      this.#waiting.delete(id);
      waiter(payload);
    }
  }
}
