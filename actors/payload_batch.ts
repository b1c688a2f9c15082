/**
 * The data plane's wire format: every payload one Worker sends another in one batch travels
 * in a single transferred `Float64Array`, each payload written once per receiving Worker
 * (whatever the number of its receivers there) and read back as views, never copied again.
 *
 * Layout: `epoch count` then per payload `k id×k kind d data`, where `kind` picks the channel
 * list both sides know (see {@linkcode ChannelKind}) and `data` is its vectors of length `d`,
 * in that list's order.
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
    for (const name of names) this.#size += 1 + payload[name].length;
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
        data.set(vector, at);
        at += vector.length;
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
      payload[name] = data.subarray(at, at + length);
      at += length;
    }
    for (const id of ids) deliver(id, payload);
  }
  return data[0];
}
