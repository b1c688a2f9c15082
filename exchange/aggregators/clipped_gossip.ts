/**
 * The `clipped-gossip` aggregator (He, Karimireddy, Jaggi 2022): node i moves towards each
 * neighbour by at most τ_i,
 *
 *   x_i ← Σ_j W_ij (x_i + CLIP(x_j − x_i, τ_i)),  CLIP(z, τ) = z · min(1, τ / ‖z‖₂),
 *
 * summed in the route's order, CLIP(0, τ) = 0. ‖·‖₂ is over one channel's whole vector: each
 * channel (the engine's probe included, its weight entry too) is clipped separately. τ_i is
 * fixed (`tau`), or adaptive (`tau: null`): the (n − b)-th smallest of the n distances
 * ‖x_j − x_i‖ of the neighbourhood with self (self's 0 counted), i.e. the (n − 1 − b)-th
 * smallest among the n − 1 neighbours, so the b farthest are clipped to the next one's
 * distance; an adaptive τ needs n > b + 1.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Aggregator, AggregatorDefinition } from "../aggregate.ts";
import { channelOf, Scratch, sortPrefix } from "./order.ts";
import { neighbourhoodRefusal } from "./refusal.ts";

/** The clipped gossip's fields. */
export interface ClippedGossipFields {
  /** The clipping radius τ (> 0), or null for the adaptive one. */
  readonly tau: number | null;
  /** The Byzantine neighbours tolerated by the adaptive τ (an integer ≥ 0). */
  readonly b: number;
}

/** ‖x − y‖₂ over the whole vectors. */
function distance(x: Vector, y: Vector): number {
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const z = x[k] - y[k];
    sum += z * z;
  }
  return Math.sqrt(sum);
}

/**
 * The adaptive τ: the (n − 1 − b)-th smallest of the neighbours' distances (entries j ≠ self
 * of `distances`), 0 when there are no more than b neighbours.
 */
export function adaptiveTau(
  distances: Vector,
  n: number,
  self: number,
  b: number,
  scratch: Vector,
): number {
  const rank = n - 1 - b;
  if (rank < 1) return 0;
  let m = 0;
  for (let j = 0; j < n; j++) if (j !== self) scratch[m++] = distances[j];
  sortPrefix(scratch, m);
  return scratch[rank - 1];
}

/**
 * One channel: `out` = Σ_j w_j (x_i + s_j (x_j − x_i)), s_j = min(1, τ / ‖x_j − x_i‖) (1 for a
 * zero difference), summed in the route's order.
 */
function clipChannel(
  out: Vector,
  vectors: readonly Vector[],
  weights: ArrayLike<number>,
  self: number,
  scales: Vector,
): void {
  const own = vectors[self], n = vectors.length;
  for (let k = 0; k < out.length; k++) {
    const x = own[k];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += weights[j] * (x + scales[j] * (vectors[j][k] - x));
    out[k] = sum;
  }
}

/** A node's clipped-gossip aggregator (scratch arrays reused). */
export function clippedGossip(fields: ClippedGossipFields): Aggregator {
  const { tau, b } = fields;
  const distances = new Scratch(), sorted = new Scratch(), scales = new Scratch();
  return {
    name: "clipped-gossip",
    aggregate(into, values, weights, { self }) {
      const n = values.length;
      const d = distances.get(n), s = scales.get(n), work = sorted.get(n);
      for (const name of Object.keys(into)) {
        const vectors = channelOf(values, name);
        if (vectors === null) continue;
        for (let j = 0; j < n; j++) d[j] = j === self ? 0 : distance(vectors[j], vectors[self]);
        const radius = tau ?? adaptiveTau(d, n, self, b, work);
        for (let j = 0; j < n; j++) s[j] = d[j] > radius ? radius / d[j] : 1;
        clipChannel(into[name], vectors, weights, self, s);
      }
    },
  };
}

/** The `clipped-gossip` aggregator's definition: fields `tau` (default null) and `b` (1). */
export const clippedGossipDefinition: AggregatorDefinition<ClippedGossipFields> = {
  name: "clipped-gossip",
  description: "x_i + Σ_j W_ij CLIP(x_j − x_i, τ) per channel (He, Karimireddy, Jaggi 2022); " +
    "τ fixed, or adaptive (null): the b farthest neighbours clipped to the next one's distance",
  parameters: z.strictObject({
    tau: z.number().gt(0).nullable().default(null).describe("clipping radius τ; null: adaptive"),
    b: z.number().int().min(0).default(1).describe("Byzantine neighbours the adaptive τ tolerates"),
  }),
  create: clippedGossip,
  check: ({ tau, b }, sizes) =>
    tau === null
      ? neighbourhoodRefusal(`clipped-gossip with b = ${b} (adaptive τ)`, b + 1, sizes)
      : [],
};
