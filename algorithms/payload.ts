/**
 * Payloads: the typed messages of an algorithm's channels (named vectors), and the operations
 * both engines apply to them — copy on send, check against the channel's declared type, mix
 * by W's row (a message's bytes are its encoder's count: `exchange/encode.ts`).
 *
 * @module
 */
import { type Payload, weightedSumInto } from "./algorithm.ts";

/** Copies a payload into fresh buffers of its vectors' precision. */
export function copyPayload(payload: Payload): Payload {
  const copy: Payload = {};
  for (const name of Object.keys(payload)) copy[name] = payload[name].slice();
  return copy;
}

/** Bytes of one slab of {@linkcode PayloadSlabs}; longer vectors get buffers of their own. */
const SLAB_BYTES = 2 ** 20;

/**
 * Copies of payloads carved one after another out of shared 1 MiB slabs: a copy costs its
 * bytes, not an allocation (a fresh 31 KB typed array costs several times its copy). Every copy
 * has bytes of its own that nothing else writes; a slab is freed by the garbage collector once
 * none of its copies is referenced. The copies' buffers are the slabs: never transfer them.
 */
export class PayloadSlabs {
  #buffer: ArrayBuffer | null = null;
  #next = 0;

  /** A copy of `payload`, each vector in the same precision. */
  copy(payload: Payload): Payload {
    const copy: Payload = {};
    for (const name of Object.keys(payload)) {
      const vector = payload[name];
      const bytes = Math.ceil(vector.byteLength / 16) * 16;
      if (bytes > SLAB_BYTES / 4) {
        copy[name] = vector.slice();
        continue;
      }
      if (!this.#buffer || this.#next + bytes > SLAB_BYTES) {
        this.#buffer = new ArrayBuffer(SLAB_BYTES);
        this.#next = 0;
      }
      const view = vector instanceof Float32Array
        ? new Float32Array(this.#buffer, this.#next, vector.length)
        : new Float64Array(this.#buffer, this.#next, vector.length);
      view.set(vector);
      this.#next += bytes;
      copy[name] = view;
    }
    return copy;
  }
}

/**
 * Σ_k weights[k] · payloads[k] for every channel, summed in the order given (W's row order),
 * into `into`'s buffers (every entry overwritten; a channel that some payload lacks is left
 * as it was): both engines mix through this, so equal inputs give bit-identical results.
 *
 * @returns `into`
 */
export function mixPayloads(
  payloads: readonly Payload[],
  weights: ArrayLike<number>,
  into: Payload,
): Payload {
  for (const name of Object.keys(into)) {
    const vectors = payloads.map((payload) => payload[name]);
    // A channel some value lacks (a hand-made payload without the engine's probe) is left.
    if (vectors.every((vector) => vector !== undefined)) {
      weightedSumInto(into[name], vectors, weights);
    }
  }
  return into;
}

/**
 * Checks a payload against its channel's message type: exactly the declared vector names,
 * each of the model's length. Algorithms that send something else fail at the sender, with
 * the channel named, instead of corrupting a neighbour.
 *
 * @param payload what the algorithm produced
 * @param channels the declared vector names
 * @param dim the model dimension d
 * @param channelLength a channel's length when it is not d
 * @param what the sender, for the message (e.g. "node 3, exchange 0")
 */
export function checkPayload(
  payload: Payload,
  channels: readonly string[],
  dim: number,
  what: string,
  channelLength?: (name: string, dim: number) => number,
): void {
  const names = Object.keys(payload);
  if (names.length !== channels.length || !channels.every((name) => name in payload)) {
    throw new TypeError(
      `Cannot send from ${what}: the channel carries {${channels.join(", ")}}, received {${
        names.join(", ")
      }}`,
    );
  }
  for (const name of channels) {
    const vector = payload[name], length = channelLength?.(name, dim) ?? dim;
    if (
      !(vector instanceof Float64Array || vector instanceof Float32Array) ||
      vector.length !== length
    ) {
      throw new TypeError(
        `Cannot send from ${what}: ${name} must be a Float64Array or Float32Array of length ${length}, received ${vector?.constructor?.name} of length ${
          (vector as { length?: number })?.length
        }`,
      );
    }
  }
}
