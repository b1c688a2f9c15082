/**
 * The server's `median`: the coordinate-wise median of a round's n uploads, per channel (even
 * n: the mean of the two middle values), the aggregation weights ignored.
 *
 * @module
 */
import { z } from "zod";
import type { ServerAggregator, ServerAggregatorDefinition } from "../server_aggregate.ts";
import { OwnedPayload } from "./owned.ts";
import { reduceSorted, Scratch } from "../aggregators/order.ts";
import { middleOf } from "../aggregators/median.ts";

/** The server's coordinate-wise median (one scratch array and one output, reused). */
export function serverMedian(): ServerAggregator {
  const scratch = new Scratch(), owned = new OwnedPayload();
  return {
    name: "median",
    aggregate(uploads) {
      const out = owned.shape(uploads[0]);
      reduceSorted(out, uploads, scratch, middleOf);
      return out;
    },
  };
}

/** The server `median`'s definition (no fields). */
export const serverMedianDefinition: ServerAggregatorDefinition<Record<string, never>> = {
  name: "median",
  description: "coordinate-wise median of the round's uploads (even count: mean of the middle " +
    "two; weights ignored)",
  parameters: z.strictObject({}),
  create: serverMedian,
};
