/**
 * The NATS transport's wire: control messages (setups, command batches, replies with
 * snapshots, failures) as one binary message each — a JSON header whose `Float64Array`s and
 * `Float32Array`s travel after it as raw bytes, never as text — and the framing that splits
 * a message larger than the server's `max_payload` into chunks and joins them again (NATS
 * keeps one publisher's messages on one subject in order, so a chunk's successor is the next
 * message).
 *
 * Control message layout: `u32 n` (little-endian), `n` bytes of JSON, zero padding to a
 * multiple of 8, then the arrays' area (each array padded to 8 bytes); an array in the JSON
 * is `{"$array": ["f64" | "f32", byteOffset, length]}` into that area, a number JSON cannot
 * hold (NaN, ±Infinity, −0) is `{"$num": "NaN"}`. Frame layout: one byte (1: more chunks
 * follow, 0: last), seven bytes of padding, then the chunk.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes a frame adds before its chunk. */
export const FRAME_HEADER = 8;

/** The typed arrays a control message carries as raw bytes, by tag. */
const ARRAYS = { f64: Float64Array, f32: Float32Array } as const;

/**
 * Encodes a control message: plain JSON data whose `Float64Array`s and `Float32Array`s go as
 * raw bytes.
 *
 * @param value plain data (objects, arrays, strings, numbers, booleans, null, Float64Array,
 * Float32Array)
 * @returns the message's bytes
 * @throws {TypeError} on any other typed array (JSON would silently mangle it)
 */
export function encodeMessage(value: unknown): Uint8Array {
  const arrays: { array: Float64Array | Float32Array; at: number }[] = [];
  let size = 0;
  const json = JSON.stringify(value, function (_key, item: unknown) {
    const tag = item instanceof Float64Array ? "f64" : item instanceof Float32Array ? "f32" : null;
    if (tag) {
      const array = item as Float64Array | Float32Array;
      arrays.push({ array, at: size });
      size += Math.ceil(array.byteLength / 8) * 8;
      return { $array: [tag, arrays[arrays.length - 1].at, array.length] };
    }
    if (ArrayBuffer.isView(item)) {
      throw new TypeError(`Cannot send a ${item.constructor.name} to a host`);
    }
    if (typeof item === "number" && (!Number.isFinite(item) || Object.is(item, -0))) {
      return { $num: Object.is(item, -0) ? "-0" : String(item) };
    }
    return item;
  }) ?? "null";
  const text = encoder.encode(json);
  const start = Math.ceil((4 + text.length) / 8) * 8;
  const bytes = new Uint8Array(start + size);
  new DataView(bytes.buffer).setUint32(0, text.length, true);
  bytes.set(text, 4);
  for (const { array, at } of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + at);
  }
  return bytes;
}

/**
 * Decodes a control message; every typed array in it owns its buffer (it may be transferred
 * on).
 *
 * @param bytes a message made by {@linkcode encodeMessage}
 * @returns its value
 */
export function decodeMessage(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const start = Math.ceil((4 + length) / 8) * 8;
  const json = decoder.decode(bytes.subarray(4, 4 + length));
  return JSON.parse(json, (_key, item: unknown) => {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      const record = item as { $array?: [keyof typeof ARRAYS, number, number]; $num?: string };
      if (record.$array) {
        const [tag, at, count] = record.$array;
        const type = ARRAYS[tag];
        const from = bytes.byteOffset + start + at;
        const buffer = bytes.buffer.slice(from, from + count * type.BYTES_PER_ELEMENT);
        return new type(buffer as ArrayBuffer);
      }
      if (record.$num !== undefined) return Number(record.$num);
    }
    return item;
  });
}

/**
 * Splits a message into frames of at most `maxPayload` bytes each.
 *
 * @param body the message
 * @param maxPayload the server's `max_payload`
 * @returns the frames to publish, in order
 */
export function frames(body: Uint8Array, maxPayload: number): Uint8Array[] {
  const chunk = Math.max(1, maxPayload - FRAME_HEADER);
  const out: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < body.length; at += chunk) {
    const part = body.subarray(at, Math.min(body.length, at + chunk));
    const frame = new Uint8Array(FRAME_HEADER + part.length);
    frame[0] = at + chunk < body.length ? 1 : 0;
    frame.set(part, FRAME_HEADER);
    out.push(frame);
  }
  return out;
}

/** Joins frames again, per subject: a message is whole when its last frame came. */
export class FrameJoiner {
  #parts = new Map<string, Uint8Array[]>();

  /**
   * Takes one frame received on `subject`.
   *
   * @returns the whole message (its own buffer, at offset 0) once its last frame came, or null
   */
  add(subject: string, frame: Uint8Array): Uint8Array | null {
    // A copy (`new Uint8Array(view)`), never `slice`: the client may hand a Node Buffer, whose
    // `slice` is a view into its read buffer.
    const part = frame.subarray(FRAME_HEADER);
    const earlier = this.#parts.get(subject);
    if (frame[0] === 1) {
      if (earlier) earlier.push(new Uint8Array(part));
      else this.#parts.set(subject, [new Uint8Array(part)]);
      return null;
    }
    if (!earlier) return new Uint8Array(part);
    this.#parts.delete(subject);
    earlier.push(part);
    const whole = new Uint8Array(earlier.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of earlier) {
      whole.set(p, at);
      at += p.length;
    }
    return whole;
  }
}

/**
 * A payload batch's float64s as a message body (a view, no copy).
 *
 * @param batch a payload batch (see `payload_batch.ts`)
 * @returns its bytes
 */
export function batchBytes(batch: Float64Array): Uint8Array {
  return new Uint8Array(batch.buffer, batch.byteOffset, batch.byteLength);
}

/**
 * A received payload batch as float64s (the message owns its buffer at offset 0).
 *
 * @param body a whole message from {@linkcode FrameJoiner.add}
 * @returns the batch
 */
export function bytesBatch(body: Uint8Array): Float64Array {
  return new Float64Array(body.buffer, body.byteOffset, body.byteLength / 8);
}
