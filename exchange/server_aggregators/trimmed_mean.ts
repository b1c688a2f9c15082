/**
 * The server's `trimmed-mean`: coordinate-wise, of a round's n uploads, drop the ⌊β n⌋
 * largest and the ⌊β n⌋ smallest and average the rest with equal weights, per channel (the
 * aggregation weights ignored); needs n > 2⌊β n⌋.
 *
 * @module
 */
import { z } from "zod";
import type { ServerAggregator, ServerAggregatorDefinition } from "../server_aggregate.ts";
import { OwnedPayload } from "./owned.ts";
import { reduceSorted, Scratch } from "../aggregators/order.ts";
import { trimmedOf } from "../aggregators/trimmed_mean.ts";

/** The server trimmed mean's fields. */
export interface ServerTrimmedMeanFields {
  /** β ∈ [0, 1/2]: the fraction of the uploads dropped on each side. */
  readonly beta: number;
}

/** b = ⌊β n⌋: how many of n uploads are dropped on each side. */
export function trimmedCount(beta: number, n: number): number {
  return Math.floor(beta * n);
}

/**
 * The server's trimmed mean (one scratch array and one output, reused). A round of n uploads
 * with n ≤ 2⌊β n⌋ (β = 1/2, n even) cannot trim: null, the server keeps its state.
 */
export function serverTrimmedMean({ beta }: ServerTrimmedMeanFields): ServerAggregator {
  const scratch = new Scratch(), owned = new OwnedPayload();
  return {
    name: "trimmed-mean",
    aggregate(uploads) {
      const n = uploads.length, b = trimmedCount(beta, n);
      if (n <= 2 * b) return null;
      const out = owned.shape(uploads[0]);
      reduceSorted(out, uploads, scratch, (sorted, count) => trimmedOf(sorted, count, b));
      return out;
    },
  };
}

/** The server `trimmed-mean`'s definition: field `beta` (default 0.1). */
export const serverTrimmedMeanDefinition: ServerAggregatorDefinition<ServerTrimmedMeanFields> = {
  name: "trimmed-mean",
  description: "coordinate-wise mean of the round's uploads after dropping the ⌊βn⌋ largest " +
    "and ⌊βn⌋ smallest (weights ignored; needs n > 2⌊βn⌋)",
  parameters: z.strictObject({
    beta: z.number().min(0).max(0.5).default(0.1)
      .describe("fraction of the uploads dropped on each side, in [0, 1/2]"),
  }),
  create: serverTrimmedMean,
  check({ beta }, n) {
    const b = trimmedCount(beta, n);
    if (n > 2 * b) return null;
    return `trimmed-mean with beta = ${beta} drops ⌊βn⌋ = ${b} of the ${n} uploads per round ` +
      `on each side, leaving none: expected n > 2⌊βn⌋ = ${2 * b} (a smaller beta)`;
  },
};
