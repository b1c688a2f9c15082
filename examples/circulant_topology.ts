// A topology type of one's own, in one file: the circulant graph, where node i is linked to
// i ± s (mod N) for every offset s. Register it with `registerTopology(circulant)`.
import { z } from "zod";
import { graphFromEdges, type TopologyDefinition } from "../mod.ts";

/** `circulant`: node i linked to i ± s (mod N) for every offset s; offsets [1] is the ring. */
export const circulant: TopologyDefinition<{ offsets: number[] }> = {
  name: "circulant",
  description: "node i linked to i ± s (mod N) for every offset s",
  parameters: z.strictObject({
    offsets: z.array(z.number().int().min(1)).min(1).default([1])
      .describe("the offsets s, each at most N / 2"),
  }),
  create({ offsets }, { nodes }) {
    const edges = new Map<string, [number, number]>();
    for (const s of offsets) {
      if (2 * s > nodes) throw new RangeError(`offsets: ${s} is more than ${nodes} / 2`);
      for (let i = 0; i < nodes; i++) {
        const j = (i + s) % nodes;
        edges.set(`${Math.min(i, j)} ${Math.max(i, j)}`, [i, j]);
      }
    }
    return graphFromEdges(nodes, [...edges.values()], `circulant(${nodes}; ${offsets})`);
  },
};
