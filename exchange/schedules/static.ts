/**
 * `static`: the constant schedule, W_t = W for every t, where W is the config's topology under
 * its mixing rule (the default).
 *
 * @module
 */
import { z } from "zod";
import type { ScheduleDefinition } from "../schedule.ts";
import { staticRoute } from "../route.ts";

/** The constant schedule of the config's W. */
export const staticSchedule: ScheduleDefinition<Record<never, never>> = {
  name: "static",
  description: "the config's topology and mixing rule, the same W at every step",
  parameters: z.strictObject({}),
  usesTopology: true,
  create: (_fields, { mixing }) => staticRoute(mixing()),
};
