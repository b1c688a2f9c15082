/**
 * The server's `krum` (Blanchard, El Mhamdi, Guerraoui, Stainer 2017): each of a round's n
 * uploads scores the sum of its squared Euclidean distances to its n − f − 2 nearest other
 * uploads, and Krum picks the upload of lowest score (ties: the lower index) whole, every
 * channel of it. Distances are over all upload channels concatenated (FedAvg: θ; Fed-AMS:
 * θ and v). Needs n > 2f + 2. Multi-Krum (`multi_krum.ts`) shares the scores.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Payload } from "../../algorithms/algorithm.ts";
import type { ServerAggregator, ServerAggregatorDefinition } from "../server_aggregate.ts";
import { OwnedPayload } from "./owned.ts";
import { Scratch, sortPrefix } from "../aggregators/order.ts";

/** Krum's fields. */
export interface KrumFields {
  /** f: the Byzantine uploads tolerated (an integer ≥ 0). */
  readonly f: number;
}

/** ‖a − b‖² over every channel of `a` (the uploads share their channels). */
function squaredDistance(a: Payload, b: Payload): number {
  let sum = 0;
  for (const name of Object.keys(a)) {
    const x = a[name], y = b[name];
    for (let k = 0; k < x.length; k++) {
      const z = x[k] - y[k];
      sum += z * z;
    }
  }
  return sum;
}

/** Krum's scratch arrays: the n × n distances and one row being sorted. */
export class KrumScratch {
  readonly distances: Scratch = new Scratch();
  readonly row: Scratch = new Scratch();
  readonly scores: Scratch = new Scratch();
}

/**
 * The Krum scores of `uploads`: score_i = Σ of the n − f − 2 smallest ‖u_i − u_j‖², j ≠ i,
 * summed in ascending order (a view of the scratch, valid until the next call). Needs
 * n > 2f + 2 (at least one neighbour counted).
 */
export function krumScores(
  uploads: readonly Payload[],
  f: number,
  scratch: KrumScratch,
): Vector {
  const n = uploads.length, nearest = n - f - 2;
  const distances = scratch.distances.get(n * n), row = scratch.row.get(n);
  const scores = scratch.scores.get(n).subarray(0, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      distances[i * n + j] = distances[j * n + i] = squaredDistance(uploads[i], uploads[j]);
    }
  }
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[m++] = distances[i * n + j];
    sortPrefix(row, m);
    let sum = 0;
    for (let k = 0; k < nearest; k++) sum += row[k];
    scores[i] = sum;
  }
  return scores;
}

/** The upload indices by ascending score, ties to the lower index. */
export function byScore(scores: Vector): number[] {
  const order = Array.from(scores, (_, i) => i);
  return order.sort((a, b) => scores[a] < scores[b] ? -1 : scores[a] > scores[b] ? 1 : a - b);
}

/** Whether n uploads can tolerate f Byzantine ones: n > 2f + 2. */
export function krumRefusal(what: string, f: number, n: number): string | null {
  if (n > 2 * f + 2) return null;
  return `${what} needs more than 2f + 2 = ${2 * f + 2} uploads per round, a round has ${n}: ` +
    "expected a smaller f or more participants";
}

/** The server's Krum (scratch arrays and one output, reused); null when n ≤ 2f + 2. */
export function serverKrum({ f }: KrumFields): ServerAggregator {
  const scratch = new KrumScratch(), owned = new OwnedPayload();
  return {
    name: "krum",
    aggregate(uploads) {
      if (uploads.length <= 2 * f + 2) return null;
      const chosen = uploads[byScore(krumScores(uploads, f, scratch))[0]];
      const out = owned.shape(uploads[0]);
      for (const name of Object.keys(out)) out[name].set(chosen[name]);
      return out;
    },
  };
}

/** The `f` field Krum and multi-Krum share. */
export const fField = z.number().int().min(0).default(1)
  .describe("f: the Byzantine uploads tolerated (needs more than 2f + 2 uploads per round)");

/** The server `krum`'s definition: field `f` (default 1). */
export const krumDefinition: ServerAggregatorDefinition<KrumFields> = {
  name: "krum",
  description: "the upload closest (sum of squared distances) to its n − f − 2 nearest others " +
    "(Blanchard et al. 2017; needs n > 2f + 2)",
  parameters: z.strictObject({ f: fField }),
  create: serverKrum,
  check: ({ f }, n) => krumRefusal(`krum with f = ${f}`, f, n),
};
