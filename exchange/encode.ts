/**
 * The exchange seam's *encode* stage: a node's payload → what its receivers get, and the
 * exact number of bytes that takes on the wire. The bandwidth model delays a message by this
 * count and the byte counters add it up; nothing else computes a message's size. Full
 * precision (8 bytes an entry, the values unchanged) is the first encoder; compressors with
 * per-node state and Byzantine attackers are others.
 *
 * @module
 */
import type { Payload } from "../algorithms/algorithm.ts";
import type { Definition, Fields } from "../definitions.ts";

/** Where a payload is encoded: its sender, exchange and step. */
export interface EncodeContext {
  /** The sending node. */
  readonly node: number;
  /** The exchange round within the iteration. */
  readonly round: number;
  /** The sender's iteration. */
  readonly t: number;
}

/** A message's shape: how many vectors, of the model's dimension, and how many entries. */
export interface MessageShape {
  /** Vectors in the message (the channel's names). */
  readonly vectors: number;
  /** The model dimension d (most channels' length). */
  readonly dim: number;
  /** Entries in all (vectors × d, unless a channel is shorter: push-sum's weight is 1). */
  readonly entries: number;
  /** Bytes of one value at the run's precision: 8 (float64) or 4 (float32). */
  readonly entryBytes?: number;
}

/** Turns payloads into what goes on the wire. */
export interface Encoder {
  /** The registry name. */
  readonly name: string;
  /** Whether `encode` returns its input unchanged (engines then skip copies). */
  readonly identity: boolean;
  /** The exact bytes on the wire of one message of this shape. */
  bytes(shape: MessageShape): number;
  /**
   * What the receivers decode from `payload` (the sender's copy, which the encoder may
   * overwrite or return as is). Called once per message sent, in the sender's order.
   */
  encode(payload: Payload, context: EncodeContext): Payload;
}

/**
 * A registered encoder: its fields and its factory (one encoder per sending node, so that
 * compressors may keep per-node state).
 *
 * @typeParam P its validated fields
 */
export interface EncoderDefinition<P = Fields> extends Definition<P> {
  /**
   * The encoder of node `node` of a run seeded with `seed` (both engines pass the run's
   * seed, so an encoder that draws, from streams named by its node and step, draws the same).
   */
  create(fields: P, node: number, seed: number): Encoder;
}

/** Full precision: every entry at the run's precision (8 bytes, 4 in float32), unchanged. */
export function fullPrecision(): Encoder {
  return {
    name: "full",
    identity: true,
    bytes: ({ entries, entryBytes = 8 }) => entries * entryBytes,
    encode: (payload) => payload,
  };
}
