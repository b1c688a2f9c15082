/**
 * The server's `centered-clipping` (Karimireddy, He, Jaggi 2021): L iterations of
 *
 *   v ← v + (1/n) Σ_i CLIP(u_i − v, τ),  CLIP(z, τ) = z · min(1, τ / ‖z‖₂),  CLIP(0, τ) = 0,
 *
 * over a round's n uploads u_i, the sum in upload order, from v₀ = the previous round's
 * aggregate. Per channel (‖·‖₂ over one channel's vector): v₀ is that channel of the
 * previous round's aggregate; in the first round, the broadcast's channel of the same name
 * when it has one (θ̄₀ for θ), else zeros (Fed-AMS's v). Each iteration moves v by at most τ.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Payload } from "../../algorithms/algorithm.ts";
import type { ServerAggregator, ServerAggregatorDefinition } from "../server_aggregate.ts";
import { Scratch } from "../aggregators/order.ts";

/** Centered clipping's fields. */
export interface CenteredClippingFields {
  /** The clipping radius τ > 0. */
  readonly tau: number;
  /** The iterations L (an integer ≥ 1). */
  readonly iterations: number;
}

/**
 * One iteration on one channel, in place: v ← v + (1/n) Σ_i s_i (u_i − v),
 * s_i = min(1, τ / ‖u_i − v‖) (1 for u_i = v).
 */
export function clipStep(
  v: Vector,
  vectors: readonly Vector[],
  tau: number,
  scales: Vector,
): void {
  const n = vectors.length;
  for (let i = 0; i < n; i++) {
    const u = vectors[i];
    let norm2 = 0;
    for (let k = 0; k < v.length; k++) norm2 += (u[k] - v[k]) ** 2;
    const norm = Math.sqrt(norm2);
    scales[i] = norm > tau ? tau / norm : 1;
  }
  for (let k = 0; k < v.length; k++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += scales[i] * (vectors[i][k] - v[k]);
    v[k] += sum / n;
  }
}

/**
 * The server's centered clipping: it keeps each channel's last aggregate (one run's server
 * state; the payload it returns is that state).
 */
export function centeredClipping(fields: CenteredClippingFields): ServerAggregator {
  const { tau, iterations } = fields, scales = new Scratch();
  let previous: Payload | null = null;
  return {
    name: "centered-clipping",
    aggregate(uploads, { broadcast }) {
      const first = uploads[0], s = scales.get(uploads.length);
      const v: Payload = {};
      for (const name of Object.keys(first)) {
        const d = first[name].length;
        const kept = previous?.[name], start = broadcast[name];
        // The last aggregate is this aggregator's own: it moves in place.
        v[name] = kept?.length === d
          ? kept
          : start?.length === d
          ? new Float64Array(start)
          : new Float64Array(d);
        const vectors = uploads.map((upload) => upload[name]);
        for (let l = 0; l < iterations; l++) clipStep(v[name], vectors, tau, s);
      }
      return previous = v;
    },
  };
}

/** The server `centered-clipping`'s definition: fields `tau` (default 1), `iterations` (3). */
export const centeredClippingDefinition: ServerAggregatorDefinition<CenteredClippingFields> = {
  name: "centered-clipping",
  description: "L iterations of v ← v + (1/n) Σ_i CLIP(u_i − v, τ) from the previous round's " +
    "aggregate (Karimireddy, He, Jaggi 2021)",
  parameters: z.strictObject({
    tau: z.number().gt(0).default(1).describe("clipping radius τ > 0"),
    iterations: z.number().int().min(1).default(3).describe("iterations L per round"),
  }),
  create: centeredClipping,
};
