/**
 * The `exponential` topology type: the exponential graph, degrees O(log N).
 *
 * @module
 */
import { z } from "zod";
import { exponentialTopology } from "../generators.ts";
import type { TopologyDefinition } from "../topology_definition.ts";

/** `exponential`: degrees O(log N), fast mixing; no fields of its own (N is the run's `nodes`). */
export const exponential: TopologyDefinition<Record<never, never>> = {
  name: "exponential",
  description: "node i linked to i ± 2^k mod N for k = 0 … ⌊log2(N − 1)⌋",
  parameters: z.strictObject({}),
  create: (_fields, { nodes }) => exponentialTopology(nodes),
};
