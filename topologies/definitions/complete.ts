/**
 * The `complete` topology type: every pair of nodes linked.
 *
 * @module
 */
import { z } from "zod";
import { completeTopology } from "../generators.ts";
import type { TopologyDefinition } from "../topology_definition.ts";

/** `complete`: every pair of nodes linked; no fields of its own (N is the run's `nodes`). */
export const complete: TopologyDefinition<Record<never, never>> = {
  name: "complete",
  description: "every pair of nodes linked",
  parameters: z.strictObject({}),
  create: (_fields, { nodes }) => completeTopology(nodes),
};
