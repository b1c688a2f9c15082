/**
 * What the compressing encoders share: a compressor Q applied to each of a message's vector
 * channels of length d on its own, in place on the sender's copy, with its bytes per vector;
 * channels shorter than d (push-sum's weight, length 1) go uncompressed at 8 bytes a value,
 * and the engine's probe channel passes through unchanged and uncounted. A compressor that
 * draws gets its own seeded stream per (run seed, node, step, exchange round, channel), so
 * both engines draw the same numbers whatever their order of work.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import type { Payload } from "../../algorithms/algorithm.ts";
import { PROBE_CHANNEL } from "../../metrics/mixing_probe.ts";
import { Rng } from "../../random.ts";
import type { EncodeContext, Encoder, MessageShape } from "../encode.ts";

/** Compresses one vector in place; `stream` makes its seeded stream when it draws. */
export type Compress = (vector: Vector, stream: () => Rng) => void;

/** A compressor: its bytes for one vector of d entries, and the compression itself. */
export interface Compressor {
  /** The bytes on the wire of one compressed vector of `dim` entries. */
  readonly vectorBytes: (dim: number, valueBytes: number) => number;
  /** Q, in place. */
  readonly compress: Compress;
}

/**
 * The bytes of a message of this shape: its full-length vectors (as many as fit in the
 * entries, at most the vectors) at `vectorBytes(d)` each, and the rest of its entries (the
 * shorter channels) at 8 bytes each.
 */
export function compressedBytes(
  shape: MessageShape,
  vectorBytes: (dim: number, valueBytes: number) => number,
) {
  const { vectors, dim, entries, entryBytes = 8 } = shape;
  const full = dim > 0 ? Math.min(vectors, Math.floor(entries / dim)) : 0;
  return full * vectorBytes(dim, entryBytes) + (entries - full * dim) * entryBytes;
}

/** The seeded stream of node `node`'s channel `channel` at step t, exchange round. */
export function compressStream(seed: number, context: EncodeContext, channel: string): Rng {
  return new Rng(seed, `compress/${context.node}/${context.t}/${context.round}/${channel}`);
}

/**
 * An encoder applying `compressor` to every algorithm channel of the longest length d of
 * each message (the model's dimension); shorter channels and the probe pass unchanged.
 *
 * @param name the registry name
 * @param compressor Q and its bytes per vector
 * @param seed the run's seed, for compressors that draw
 */
export function compressingEncoder(name: string, compressor: Compressor, seed: number): Encoder {
  return {
    name,
    identity: false,
    bytes: (shape) => compressedBytes(shape, compressor.vectorBytes),
    encode(payload: Payload, context: EncodeContext): Payload {
      const channels = Object.keys(payload).filter((channel) => channel !== PROBE_CHANNEL);
      const dim = Math.max(0, ...channels.map((channel) => payload[channel].length));
      for (const channel of channels) {
        if (payload[channel].length !== dim) continue;
        compressor.compress(payload[channel], () => compressStream(seed, context, channel));
      }
      return payload;
    },
  };
}

/** k = max(1, ⌊ρ d + 1e-9⌋) coordinates of d kept by a fraction ρ ∈ (0, 1]. */
export function keptCount(fraction: number, dim: number): number {
  return Math.min(dim, Math.max(1, Math.floor(fraction * dim + 1e-9)));
}
