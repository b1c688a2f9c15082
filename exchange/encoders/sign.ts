/**
 * The `sign` encoder (scaled sign, Karimireddy et al. 2019): each vector v of d entries
 * becomes (‖v‖₁ / d) sign(v), with sign(0) = +1; on the wire the scale (8 bytes) and a bit
 * per entry, 8 + ⌈d / 8⌉ bytes a vector.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { EncoderDefinition } from "../encode.ts";
import { compressingEncoder } from "./compress.ts";

/** Replaces `vector` by (‖v‖₁ / d) sign(v) in place (sign(0) = +1). */
export function scaledSign(vector: Vector): Vector {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += Math.abs(vector[i]);
  const scale = sum / vector.length;
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i] < 0 ? -scale : scale;
  return vector;
}

/** The bytes of one sign vector of d entries: 8 + ⌈d / 8⌉ (the scale at `valueBytes`). */
export function signBytes(dim: number, valueBytes = 8): number {
  return valueBytes + Math.ceil(dim / 8);
}

/** The `sign` definition (no fields). */
export const signEncoder: EncoderDefinition<Record<string, never>> = {
  name: "sign",
  description: "scaled sign (‖v‖₁ / d) sign(v) of each vector, sign(0) = +1: 8 + ⌈d/8⌉ bytes",
  parameters: z.strictObject({}),
  create: (_fields, _node, seed) =>
    compressingEncoder("sign", { vectorBytes: signBytes, compress: scaledSign }, seed),
};
