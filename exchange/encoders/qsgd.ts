/**
 * The `qsgd` encoder (Alistarh et al. 2017, scaled as in CHOCO): each vector v of d entries
 * becomes (‖v‖₂ / (s τ)) · sign(v) · ⌊s |v| / ‖v‖₂ + ξ⌋ with ξ ~ U[0, 1) per entry from the
 * sender's seeded stream and τ = 1 + min(d / s², √d / s); Q(0) = 0. On the wire: the norm
 * (8 bytes) and, per entry, a sign bit and a level of ⌈log₂(s + 1)⌉ bits.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Rng } from "../../random.ts";
import type { EncoderDefinition } from "../encode.ts";
import { compressingEncoder } from "./compress.ts";

/** Quantizes `vector` to `levels` levels in place, rounding stochastically with `rng`. */
export function qsgd(vector: Vector, levels: number, rng: Rng): Vector {
  const d = vector.length;
  let squares = 0;
  for (let i = 0; i < d; i++) squares += vector[i] * vector[i];
  const norm = Math.sqrt(squares);
  if (norm === 0) return vector.fill(0);
  const tau = 1 + Math.min(d / (levels * levels), Math.sqrt(d) / levels);
  const scale = norm / (levels * tau);
  for (let i = 0; i < d; i++) {
    const level = Math.floor(levels * Math.abs(vector[i]) / norm + rng.next());
    vector[i] = level === 0 ? 0 : (vector[i] < 0 ? -scale : scale) * level;
  }
  return vector;
}

/** ⌈log₂(s + 1)⌉ for an integer s ≥ 1: the bits of a level in [0, s]. */
export function levelBits(levels: number): number {
  return 32 - Math.clz32(levels);
}

/**
 * The bytes of one qsgd vector of d entries: 8 + ⌈d (1 + ⌈log₂(s + 1)⌉) / 8⌉ (the norm at
 * `valueBytes`, 4 in float32 runs).
 */
export function qsgdBytes(levels: number, dim: number, valueBytes = 8): number {
  return valueBytes + Math.ceil(dim * (1 + levelBits(levels)) / 8);
}

const fields = z.strictObject({
  levels: z.number().int().gte(1).lte(2 ** 30).default(16)
    .describe("s: the quantization levels of |v| / ‖v‖₂ (an integer ≥ 1)"),
});

/** The `qsgd` definition (fields: `levels`, default 16). */
export const qsgdEncoder: EncoderDefinition<z.infer<typeof fields>> = {
  name: "qsgd",
  description:
    "stochastic quantization to s levels of |v| / ‖v‖₂ (CHOCO-scaled): 8 + ⌈d(1 + ⌈log₂(s+1)⌉)/8⌉ bytes",
  parameters: fields,
  create: ({ levels }, _node, seed) =>
    compressingEncoder("qsgd", {
      vectorBytes: (dim, valueBytes) => qsgdBytes(levels, dim, valueBytes),
      compress: (vector, stream) => qsgd(vector, levels, stream()),
    }, seed),
};
