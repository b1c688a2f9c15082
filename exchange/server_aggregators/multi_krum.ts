/**
 * The server's `multi-krum` (Blanchard et al. 2017): the equal-weight mean of the m uploads of
 * lowest Krum score (ties: the lower index), summed in ascending upload order, so m = n is
 * the uniform mean. m is given, or (null, the default) n − f. Needs n > 2f + 2 and m ≤ n.
 *
 * @module
 */
import { z } from "zod";
import type { ServerAggregator, ServerAggregatorDefinition } from "../server_aggregate.ts";
import { meanOf, OwnedPayload } from "./owned.ts";
import { byScore, fField, krumRefusal, krumScores, KrumScratch } from "./krum.ts";

/** Multi-Krum's fields. */
export interface MultiKrumFields {
  /** f: the Byzantine uploads tolerated (an integer ≥ 0). */
  readonly f: number;
  /** m: the uploads averaged (an integer ≥ 1), or null for n − f. */
  readonly m: number | null;
}

/** The server's multi-Krum; null for a round with n ≤ 2f + 2 or fewer than m uploads. */
export function serverMultiKrum({ f, m }: MultiKrumFields): ServerAggregator {
  const scratch = new KrumScratch(), owned = new OwnedPayload();
  return {
    name: "multi-krum",
    aggregate(uploads) {
      const n = uploads.length, count = m ?? n - f;
      if (n <= 2 * f + 2 || count > n) return null;
      const chosen = byScore(krumScores(uploads, f, scratch)).slice(0, count);
      const out = owned.shape(uploads[0]);
      meanOf(out, uploads, chosen.sort((a, b) => a - b));
      return out;
    },
  };
}

/** The server `multi-krum`'s definition: fields `f` (default 1) and `m` (default n − f). */
export const multiKrumDefinition: ServerAggregatorDefinition<MultiKrumFields> = {
  name: "multi-krum",
  description: "the mean of the m uploads of lowest Krum score (Blanchard et al. 2017; " +
    "needs n > 2f + 2, m ≤ n)",
  parameters: z.strictObject({
    f: fField,
    m: z.number().int().min(1).nullable().default(null)
      .describe("m: the uploads averaged; null (default): n − f"),
  }),
  create: serverMultiKrum,
  check({ f, m }, n) {
    const why = krumRefusal(`multi-krum with f = ${f}`, f, n);
    if (why || m === null || m <= n) return why;
    return `multi-krum with m = ${m} averages more uploads than the ${n} of a round: ` +
      `expected m ≤ ${n}`;
  },
};
