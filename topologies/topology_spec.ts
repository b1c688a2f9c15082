/**
 * Building a topology from plain data ({@linkcode TopologySpec}), as read from a scenario file
 * or sent across a Worker boundary.
 *
 * @module
 */

import {
  completeTopology,
  erdosRenyiTopology,
  exponentialTopology,
  gridTopology,
  hypercubeTopology,
  pathTopology,
  ringTopology,
  starTopology,
  torusTopology,
} from "./generators.ts";
import { type Graph, graphFromAdjacencyMatrix, graphFromEdges } from "./graph.ts";

/** Every topology type a {@linkcode TopologySpec} may name. */
export const TOPOLOGY_TYPES = [
  "ring",
  "path",
  "complete",
  "star",
  "torus",
  "grid",
  "hypercube",
  "erdos-renyi",
  "exponential",
  "custom",
] as const;

/** One of {@linkcode TOPOLOGY_TYPES}. */
export type TopologyType = typeof TOPOLOGY_TYPES[number];

/**
 * A topology as plain data. Which fields are required depends on `type`:
 * - `"ring"`, `"path"`, `"complete"`, `"star"`, `"exponential"`: `nodes`;
 * - `"torus"`, `"grid"`: `rows` and `cols`;
 * - `"hypercube"`: `dimension` (2^dimension nodes);
 * - `"erdos-renyi"`: `nodes`, `p` and `seed`;
 * - `"custom"`: either `adjacency` (a symmetric 0/1 matrix) or `edges` together with `nodes`;
 *   a config may name an edge-list `file` instead, which is read into `edges` before building.
 */
export interface TopologySpec {
  /** The kind of topology. */
  readonly type: TopologyType;
  /** Number of nodes. */
  readonly nodes?: number;
  /** Rows of a torus or grid. */
  readonly rows?: number;
  /** Columns of a torus or grid. */
  readonly cols?: number;
  /** Hypercube dimension. */
  readonly dimension?: number;
  /** Erdős–Rényi edge probability in (0, 1]. */
  readonly p?: number;
  /** Erdős–Rényi seed. */
  readonly seed?: number;
  /** Custom topology: a symmetric 0/1 adjacency matrix with a zero diagonal. */
  readonly adjacency?: readonly (readonly number[])[];
  /** Custom topology: an edge list over `nodes` nodes. */
  readonly edges?: readonly (readonly [number, number])[];
  /** Custom topology: an edge-list file (read into `edges` by the caller, never here). */
  readonly file?: string;
}

function field<K extends keyof TopologySpec>(
  spec: TopologySpec,
  key: K,
): NonNullable<TopologySpec[K]> {
  const value = spec[key];
  if (value === undefined || value === null) {
    throw new TypeError(`Cannot build topology "${spec.type}" from spec: ${key} is required`);
  }
  return value as NonNullable<TopologySpec[K]>;
}

function customTopology(spec: TopologySpec): Graph {
  if ((spec.adjacency === undefined) === (spec.edges === undefined)) {
    throw new TypeError(
      `Cannot build topology "custom" from spec: give exactly one of adjacency or edges`,
    );
  }
  if (spec.edges !== undefined) return graphFromEdges(field(spec, "nodes"), spec.edges);
  const graph = graphFromAdjacencyMatrix(field(spec, "adjacency"));
  if (spec.nodes !== undefined && spec.nodes !== graph.nodes) {
    throw new RangeError(
      `Cannot build topology "custom" from spec: nodes is ${spec.nodes} but adjacency has ${graph.nodes} rows`,
    );
  }
  return graph;
}

/**
 * Builds the graph a {@linkcode TopologySpec} describes.
 *
 * @param spec the topology as plain data
 * @returns the graph
 * @throws {TypeError} if a field the type needs is missing
 * @throws {RangeError} on an unknown type or a bad value (from the generator)
 *
 * @example A torus and a custom graph
 * ```ts
 * import assert from "node:assert/strict";
 * import { topologyFromSpec } from "./mod.ts";
 * assert.equal(topologyFromSpec({ type: "torus", rows: 3, cols: 4 }).nodes, 12);
 * const custom = topologyFromSpec({ type: "custom", nodes: 3, edges: [[0, 1], [1, 2]] });
 * assert.deepEqual(custom.neighbors, [[1], [0, 2], [1]]);
 * ```
 */
export function topologyFromSpec(spec: TopologySpec): Graph {
  switch (spec.type) {
    case "ring":
      return ringTopology(field(spec, "nodes"));
    case "path":
      return pathTopology(field(spec, "nodes"));
    case "complete":
      return completeTopology(field(spec, "nodes"));
    case "star":
      return starTopology(field(spec, "nodes"));
    case "exponential":
      return exponentialTopology(field(spec, "nodes"));
    case "torus":
      return torusTopology(field(spec, "rows"), field(spec, "cols"));
    case "grid":
      return gridTopology(field(spec, "rows"), field(spec, "cols"));
    case "hypercube":
      return hypercubeTopology(field(spec, "dimension"));
    case "erdos-renyi":
      return erdosRenyiTopology(field(spec, "nodes"), field(spec, "p"), field(spec, "seed"));
    case "custom":
      return customTopology(spec);
    default:
      throw new RangeError(
        `Cannot build topology from spec: type must be one of ${
          TOPOLOGY_TYPES.join(", ")
        }, received ${(spec as { type: unknown }).type}`,
      );
  }
}
