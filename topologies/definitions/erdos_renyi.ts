/**
 * The `erdos-renyi` topology type: a connected G(N, p) drawn from the run's seed.
 *
 * @module
 */
import { z } from "zod";
import { erdosRenyiTopology } from "../generators.ts";
import { required, type TopologyDefinition } from "../topology_definition.ts";

/** `erdos-renyi`: each pair linked with probability p, from the run's seed, until connected. */
export const erdosRenyi: TopologyDefinition<{ p?: number }> = {
  name: "erdos-renyi",
  description: "G(N, p) from the run's seed, redrawn until connected",
  parameters: z.strictObject({
    p: z.number().gt(0).max(1).optional().describe("edge probability in (0, 1] (required)"),
  }),
  create: ({ p }, { nodes, seed }) =>
    erdosRenyiTopology(nodes, required("erdos-renyi", "p", p), seed),
};
