/**
 * The `star` topology type: one hub and N − 1 leaves.
 *
 * @module
 */
import { z } from "zod";
import { starTopology } from "../generators.ts";
import type { TopologyDefinition } from "../topology_definition.ts";

/** `star`: one hub and N − 1 leaves; no fields of its own (N is the run's `nodes`). */
export const star: TopologyDefinition<Record<never, never>> = {
  name: "star",
  description: "node 0 linked to each of the other N − 1",
  parameters: z.strictObject({}),
  create: (_fields, { nodes }) => starTopology(nodes),
};
