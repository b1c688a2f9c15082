/**
 * The `random-k` encoder: each vector keeps k coordinates drawn without replacement from the
 * sender's seeded stream of its step (unscaled, as in CHOCO: ω = k/d); the receivers
 * regenerate the indices from the stream's 8-byte seed, so 8k + 8 bytes a vector.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Rng } from "../../random.ts";
import type { EncoderDefinition } from "../encode.ts";
import { compressingEncoder, keptCount } from "./compress.ts";

/** The k distinct coordinates of [0, d) drawn from `rng` (partial Fisher–Yates), ascending. */
export function randomIndices(d: number, k: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: d }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(d - i);
    const picked = order[j];
    order[j] = order[i];
    order[i] = picked;
  }
  return order.slice(0, k).sort();
}

/** Keeps `vector`'s k coordinates drawn from `rng`, zeroing the rest, in place. */
export function randomK(vector: Vector, k: number, rng: Rng): Vector {
  const kept = new Uint8Array(vector.length);
  for (const i of randomIndices(vector.length, k, rng)) kept[i] = 1;
  for (let i = 0; i < vector.length; i++) if (!kept[i]) vector[i] = 0;
  return vector;
}

/**
 * The bytes of one random-k vector of d entries: 8k + 8 (the values and the seed); 4k + 8 in
 * float32 runs (`valueBytes` 4).
 */
export function randomKBytes(fraction: number, dim: number, valueBytes = 8): number {
  return valueBytes * keptCount(fraction, dim) + 8;
}

const fields = z.strictObject({
  fraction: z.number().gt(0).lte(1).default(0.01)
    .describe("ρ ∈ (0, 1]: each vector keeps k = max(1, ⌊ρ d⌋) random coordinates of its d"),
});

/** The `random-k` definition (fields: `fraction`, default 0.01). */
export const randomKEncoder: EncoderDefinition<z.infer<typeof fields>> = {
  name: "random-k",
  description: "keeps k seeded random coordinates of each vector, unscaled: 8k + 8 bytes",
  parameters: fields,
  create: ({ fraction }, _node, seed) =>
    compressingEncoder("random-k", {
      vectorBytes: (dim, valueBytes) => randomKBytes(fraction, dim, valueBytes),
      compress: (vector, stream) => randomK(vector, keptCount(fraction, vector.length), stream()),
    }, seed),
};
