/**
 * The `ring` topology type: a cycle of N nodes.
 *
 * @module
 */
import { z } from "zod";
import { ringTopology } from "../generators.ts";
import type { TopologyDefinition } from "../topology_definition.ts";

/** `ring`: a cycle of N nodes; no fields of its own (N is the run's `nodes`). */
export const ring: TopologyDefinition<Record<never, never>> = {
  name: "ring",
  description: "a cycle: node i linked to i ± 1 mod N (N ≥ 3)",
  parameters: z.strictObject({}),
  create: (_fields, { nodes }) => ringTopology(nodes),
};
