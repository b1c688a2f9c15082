/**
 * Payloads: the typed messages of an algorithm's channels (named vectors), and the operations
 * both engines apply to them — copy on send, check against the channel's declared type, mix
 * by W's row (a message's bytes are its encoder's count: `exchange/encode.ts`).
 *
 * @module
 */
import { type Payload, weightedSumInto } from "./algorithm.ts";
import { vectorView } from "../vector.ts";

/** Copies a payload into fresh buffers of its vectors' precision. */
export function copyPayload(payload: Payload): Payload {
  const copy: Payload = {};
  for (const name of Object.keys(payload)) copy[name] = payload[name].slice();
  return copy;
}

/** Copies up to this many bytes are carved out of shared slabs of {@linkcode SLAB_BYTES}. */
const SMALL_COPY_BYTES = 16_384;
/** Bytes of one slab of small copies. */
const SLAB_BYTES = 2 ** 20;

/** How many holders a copy of {@linkcode SendCopies} has, and its layout's key. */
interface Holders {
  count: number;
  readonly shape: string;
}

/**
 * The property under which a counted copy's buffer carries its {@linkcode Holders} while it is
 * held (a property load is several times cheaper than a WeakMap lookup, and a send of a small
 * model is a few hundred nanoseconds: the lookups were 4% of a Worker's time at d = 21).
 */
const HOLDERS = Symbol("gossim.sendCopyHolders");

/** A buffer that may carry {@linkcode HOLDERS}. */
type Tracked = ArrayBufferLike & { [HOLDERS]?: Holders | null };

/**
 * Copies of sent payloads whose buffers are recycled: a node's send copies its payload (which
 * its algorithm goes on to change) into one buffer holding every vector, and the buffer goes
 * back to a free list once the last holder lets go, so a send costs its bytes, not an
 * allocation (fresh buffers cost several times their copy: page faults and garbage
 * collection, which stall the Worker and so the Workers that wait on its payloads). Small
 * payloads (up to 16 KiB) are carved out of shared slabs instead, uncounted: for them the
 * counting would cost more than the allocation.
 *
 * Holders are counted: the copy starts with one (the sender's own payload, until its next send
 * of that exchange); whoever else keeps it (an inbox, an outgoing batch) calls
 * {@linkcode SendCopies.hold} and later {@linkcode SendCopies.drop}. Both are no-ops for a
 * payload that is not a copy of this class (received from another Worker, encoded afresh);
 * a holder that never drops only keeps its buffer from reuse, for the garbage collector.
 */
export class SendCopies {
  #free = new Map<string, ArrayBuffer[]>();
  #slab: ArrayBuffer | null = null;
  #next = 0;

  /** A copy of `payload` (each vector in its precision) with one holder: the sender. */
  copy(payload: Payload): Payload {
    const names = Object.keys(payload);
    let bytes = 0;
    for (const name of names) bytes += Math.ceil(payload[name].byteLength / 16) * 16;
    if (bytes <= SMALL_COPY_BYTES) return this.#carve(payload, names, bytes);
    let shape = "";
    for (const name of names) {
      const vector = payload[name];
      shape += `${name}:${vector.BYTES_PER_ELEMENT}:${vector.length},`;
    }
    const buffer: Tracked = this.#free.get(shape)?.pop() ?? new ArrayBuffer(bytes);
    buffer[HOLDERS] = { count: 1, shape };
    return copyInto(payload, names, buffer, 0);
  }

  /**
   * A small copy carved out of a shared slab, not counted: allocating it costs little, and a
   * slab goes to the garbage collector once none of its copies is referenced.
   */
  #carve(payload: Payload, names: string[], bytes: number): Payload {
    if (!this.#slab || this.#next + bytes > SLAB_BYTES) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      this.#next = 0;
    }
    const copy = copyInto(payload, names, this.#slab, this.#next);
    this.#next += bytes;
    return copy;
  }

  /** One more holder of `payload`'s copy. */
  hold(payload: Payload): void {
    const buffer = this.#copyBuffer(payload);
    if (buffer) buffer[HOLDERS]!.count++;
  }

  /** A holder of `payload`'s copy lets go: the last one's going frees the buffer for reuse. */
  drop(payload: Payload): void {
    const buffer = this.#copyBuffer(payload);
    if (!buffer) return;
    const holders = buffer[HOLDERS]!;
    if (--holders.count > 0) return;
    buffer[HOLDERS] = null;
    const free = this.#free.get(holders.shape);
    if (free) free.push(buffer as ArrayBuffer);
    else this.#free.set(holders.shape, [buffer as ArrayBuffer]);
  }

  /** The buffer of the copy whose vectors `payload` holds (any of them), if it is one. */
  #copyBuffer(payload: Payload): Tracked | undefined {
    for (const name in payload) {
      const buffer: Tracked = payload[name].buffer;
      if (buffer[HOLDERS]) return buffer;
    }
    return undefined;
  }
}

/** Copies `payload`'s vectors one after another into `buffer` from byte `at`, 16-aligned. */
function copyInto(payload: Payload, names: string[], buffer: ArrayBuffer, at: number): Payload {
  const copy: Payload = {};
  for (const name of names) {
    const vector = payload[name];
    const precision = vector instanceof Float32Array ? "float32" : "float64";
    const view = vectorView(precision, buffer, at, vector.length);
    view.set(vector);
    at += Math.ceil(vector.byteLength / 16) * 16;
    copy[name] = view;
  }
  return copy;
}

/** The send copies of this thread's nodes (one per thread: a Worker's nodes share it). */
export const sendCopies: SendCopies = new SendCopies();

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
