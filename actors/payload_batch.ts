/**
 * The data plane's wire format: every payload one Worker sends another in one batch travels
 * in a single transferred `Float64Array`, each payload written once per receiving Worker
 * (whatever the number of its receivers there) and read back as views, never copied again.
 *
 * Layout: `epoch count` then per payload `k id×k kind` and its vectors in the order of the
 * channel list `kind` picks (both sides know it, see {@linkcode ChannelKind}), each as
 * `d bits data`: `d` entries of `bits` 64 (one slot each) or 32 (float32, two to a slot, read
 * back as a `Float32Array` view), so a float32 run's payloads travel and arrive in float32.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";

/** Which channel list a payload follows: a neighbour exchange, a broadcast, an upload. */
export const enum ChannelKind {
  /** A decentralized node's exchange (the algorithm's `channels`). */
  Exchange = 0,
  /** The federated server's broadcast (`broadcastChannels`). */
  Broadcast = 1,
  /** A federated client's upload (`uploadChannels`). */
  Upload = 2,
}

/** The 8-byte slots a vector takes in a batch: float32 entries two to a slot. */
function slots(vector: ArrayLike<number>): number {
  return vector instanceof Float32Array ? Math.ceil(vector.length / 2) : vector.length;
}

/** Collects the payloads for one receiving Worker until the batch is flushed. */
export class PayloadBatchWriter {
  #parts: { ids: number[]; kind: ChannelKind; payload: Payload; names: readonly string[] }[] = [];
  #size = 2;

  /** Whether nothing is queued. */
  get empty(): boolean {
    return this.#parts.length === 0;
  }

  /** Queues `payload` for message ids `ids` (all hosted by the receiving Worker). */
  add(ids: number[], kind: ChannelKind, payload: Payload, names: readonly string[]): void {
    this.#parts.push({ ids, kind, payload, names });
    this.#size += 2 + ids.length;
    for (const name of names) this.#size += 2 + slots(payload[name]);
  }

  /** The batch as one buffer (to transfer); the writer starts empty. */
  take(epoch: number): Float64Array {
    const data = new Float64Array(this.#size);
    data[0] = epoch;
    data[1] = this.#parts.length;
    let at = 2;
    for (const { ids, kind, payload, names } of this.#parts) {
      data[at++] = ids.length;
      for (const id of ids) data[at++] = id;
      data[at++] = kind;
      for (const name of names) {
        const vector = payload[name];
        data[at++] = vector.length;
        if (vector instanceof Float32Array) {
          data[at++] = 32;
          new Float32Array(data.buffer, at * 8, vector.length).set(vector);
        } else {
          data[at++] = 64;
          data.set(vector, at);
        }
        at += slots(vector);
      }
    }
    this.#parts = [];
    this.#size = 2;
    return data;
  }
}

/**
 * Reads a batch: calls `deliver(id, payload)` for every message id, the payload's vectors being
 * views of the batch.
 *
 * @returns the batch's epoch
 */
export function readPayloadBatch(
  data: Float64Array,
  names: (kind: ChannelKind) => readonly string[],
  deliver: (id: number, payload: Payload) => void,
): number {
  const count = data[1];
  let at = 2;
  for (let m = 0; m < count; m++) {
    const k = data[at++];
    const ids = data.subarray(at, at + k);
    at += k;
    const list = names(data[at++] as ChannelKind);
    const payload: Payload = {};
    for (const name of list) {
      const length = data[at++];
      if (data[at++] === 32) {
        payload[name] = new Float32Array(data.buffer, data.byteOffset + at * 8, length);
        at += Math.ceil(length / 2);
      } else {
        payload[name] = data.subarray(at, at + length);
        at += length;
      }
    }
    for (const id of ids) deliver(id, payload);
  }
  return data[0];
}
