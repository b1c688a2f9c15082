/**
 * `directed-ring`: node i sends to i + 1 (mod N) only; column-stochastic weights
 * P[j][i] = 1/(outdeg(i) + 1) = ½, so node i hears from itself and i − 1, ½ each (doubly
 * stochastic as well; not symmetric for N > 2).
 *
 * @module
 */
import { z } from "zod";
import type { ScheduleDefinition } from "../schedule.ts";
import { directedRoute } from "./directed.ts";

/** The one-way ring. */
export const directedRing: ScheduleDefinition<Record<never, never>> = {
  name: "directed-ring",
  description: "node i sends to i + 1 only; node i keeps ½ and pushes ½",
  parameters: z.strictObject({}),
  usesTopology: false,
  create(_fields, { nodes }) {
    if (nodes < 2) throw new RangeError(`directed-ring: nodes must be ≥ 2, received ${nodes}`);
    return directedRoute(Array.from({ length: nodes }, (_, i) => [(i + 1) % nodes]));
  },
};
