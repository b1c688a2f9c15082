/**
 * The `path` topology type: a line of N nodes.
 *
 * @module
 */
import { z } from "zod";
import { pathTopology } from "../generators.ts";
import type { TopologyDefinition } from "../topology_definition.ts";

/** `path`: a line of N nodes; no fields of its own (N is the run's `nodes`). */
export const path: TopologyDefinition<Record<never, never>> = {
  name: "path",
  description: "a line: node i linked to i + 1",
  parameters: z.strictObject({}),
  create: (_fields, { nodes }) => pathTopology(nodes),
};
