/**
 * The `hypercube` topology type: 2^d nodes, each linked to the d that differ in one bit.
 *
 * @module
 */
import { z } from "zod";
import { hypercubeTopology, MAX_HYPERCUBE_DIMENSION } from "../generators.ts";
import { required, type TopologyDefinition } from "../topology_definition.ts";

/** `hypercube`: 2^dimension nodes, node i linked to every i XOR 2^k. */
export const hypercube: TopologyDefinition<{ dimension?: number }> = {
  name: "hypercube",
  description: "2^dimension nodes, i linked to every i XOR 2^k",
  parameters: z.strictObject({
    dimension: z.number().int().min(1).max(MAX_HYPERCUBE_DIMENSION).optional()
      .describe("the dimension d: 2^d nodes (required)"),
  }),
  create: ({ dimension }) => hypercubeTopology(required("hypercube", "dimension", dimension)),
};
