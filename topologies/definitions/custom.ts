/**
 * The `custom` topology type: a user's own graph, as an adjacency matrix, an edge list over N
 * nodes, or an edge-list file (read into the graph by the caller: a Worker or a browser may
 * not read files).
 *
 * @module
 */
import { z } from "zod";
import { type Graph, graphFromAdjacencyMatrix, graphFromEdges } from "../graph.ts";
import type { TopologyContext, TopologyDefinition } from "../topology_definition.ts";

/** The fields of a `custom` topology. */
export type CustomFields = {
  /** A symmetric 0/1 adjacency matrix with a zero diagonal. */
  adjacency?: number[][];
  /** An edge list over the run's `nodes` nodes. */
  edges?: [number, number][];
  /** An edge-list file (N, then one `a b` pair per line), read by the caller, never here. */
  file?: string;
};

const index = z.number().int().min(0);

/** The run's node count, or undefined where the caller gave none. */
function givenNodes(context: TopologyContext): number | undefined {
  try {
    return context.nodes;
  } catch {
    return undefined;
  }
}

function build({ adjacency, edges }: CustomFields, context: TopologyContext): Graph {
  if ((adjacency === undefined) === (edges === undefined)) {
    throw new TypeError(
      `Cannot build topology "custom" from spec: give exactly one of adjacency or edges`,
    );
  }
  if (edges !== undefined) return graphFromEdges(context.nodes, edges);
  const graph = graphFromAdjacencyMatrix(adjacency!);
  const nodes = givenNodes(context);
  if (nodes !== undefined && nodes !== graph.nodes) {
    throw new RangeError(
      `Cannot build topology "custom" from spec: nodes is ${nodes} but adjacency has ${graph.nodes} rows`,
    );
  }
  return graph;
}

/** `custom`: exactly one of `adjacency`, `edges` (over N nodes) or `file`. */
export const custom: TopologyDefinition<CustomFields> = {
  name: "custom",
  description: "your own graph: an adjacency matrix, an edge list or a file",
  parameters: z.strictObject({
    adjacency: z.array(z.array(z.number().finite())).optional()
      .describe("a symmetric 0/1 adjacency matrix with a zero diagonal"),
    edges: z.array(z.tuple([index, index])).optional()
      .describe("an edge list [[a, b], …] over the run's nodes"),
    file: z.string().min(1).optional()
      .describe("an edge-list file: N, then one `a b` pair per line (--topology-file)"),
  }),
  create: build,
};
