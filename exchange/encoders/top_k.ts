/**
 * The `top-k` encoder: each vector keeps its k entries of largest magnitude (ties to the
 * lower index), the others become 0; on the wire each kept entry is an 8-byte value and a
 * 4-byte index, 12k bytes a vector.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { EncoderDefinition } from "../encode.ts";
import { compressingEncoder, keptCount } from "./compress.ts";

/**
 * Keeps the k entries of `vector` of largest |v| (ties to the lower index), zeroing the rest,
 * in place.
 */
export function topK(vector: Vector, k: number): Vector {
  const d = vector.length;
  if (k >= d) return vector;
  const magnitudes = vector.map(Math.abs).sort();
  const threshold = magnitudes[d - k];
  let ties = k;
  for (let i = 0; i < d; i++) if (Math.abs(vector[i]) > threshold) ties--;
  for (let i = 0; i < d; i++) {
    const magnitude = Math.abs(vector[i]);
    if (magnitude > threshold) continue;
    if (magnitude === threshold && ties > 0) ties--;
    else vector[i] = 0;
  }
  return vector;
}

/**
 * The bytes of one top-k vector of d entries: 12k (an 8-byte value and a 4-byte index); 8k in
 * float32 runs (`valueBytes` 4).
 */
export function topKBytes(fraction: number, dim: number, valueBytes = 8): number {
  return (valueBytes + 4) * keptCount(fraction, dim);
}

const fields = z.strictObject({
  fraction: z.number().gt(0).lte(1).default(0.01)
    .describe("ρ ∈ (0, 1]: each vector keeps k = max(1, ⌊ρ d⌋) of its d entries"),
});

/** The `top-k` definition (fields: `fraction`, default 0.01). */
export const topKEncoder: EncoderDefinition<z.infer<typeof fields>> = {
  name: "top-k",
  description:
    "keeps each vector's k largest-magnitude entries (ties to the lower index): 12k bytes",
  parameters: fields,
  create: ({ fraction }, _node, seed) =>
    compressingEncoder("top-k", {
      vectorBytes: (dim, valueBytes) => topKBytes(fraction, dim, valueBytes),
      compress: (vector) => topK(vector, keptCount(fraction, vector.length)),
    }, seed),
};
