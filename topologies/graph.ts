/**
 * Undirected communication graphs: the {@linkcode Graph} type, small queries on it, and
 * builders from user data (an edge list, a 0/1 adjacency matrix, or neighbour lists), each
 * validated with an error naming the offending row, column or value.
 *
 * @module
 */

import { emptyAdjacency, type Graph, makeGraph } from "./_make_graph.ts";

export type { Graph };

/**
 * The edges of a graph, each once as `[i, j]` with `i < j`, in lexicographic order.
 *
 * @param graph the graph
 * @returns the edge list
 *
 * @example Edges of a triangle
 * ```ts
 * import assert from "node:assert/strict";
 * import { completeTopology, edges } from "./mod.ts";
 * assert.deepEqual(edges(completeTopology(3)), [[0, 1], [0, 2], [1, 2]]);
 * ```
 */
export function edges(graph: Graph): [number, number][] {
  const result: [number, number][] = [];
  graph.neighbors.forEach((list, i) => {
    for (const j of list) if (i < j) result.push([i, j]);
  });
  return result;
}

/**
 * The degree (number of neighbours) of one node.
 *
 * @param graph the graph
 * @param node a node index in `[0, graph.nodes)`
 * @returns the number of neighbours of `node`
 * @throws {RangeError} if `node` is not a node of the graph
 */
export function degree(graph: Graph, node: number): number {
  if (!Number.isInteger(node) || node < 0 || node >= graph.nodes) {
    throw new RangeError(
      `Cannot read degree: node must be an integer in [0, ${graph.nodes}), received ${node}`,
    );
  }
  return graph.neighbors[node].length;
}

/**
 * The largest degree Δ of the graph (0 for a graph without edges).
 *
 * @param graph the graph
 * @returns the maximum degree
 */
export function maxDegree(graph: Graph): number {
  return graph.neighbors.reduce((max, list) => Math.max(max, list.length), 0);
}

/**
 * The nodes reachable from `start` (breadth-first), as a boolean mask.
 *
 * @param graph the graph
 * @param start the node to start from (default 0)
 * @returns `reached[i]` is true when node `i` is reachable from `start`
 * @throws {RangeError} if `start` is not a node of the graph
 */
export function reachableFrom(graph: Graph, start = 0): boolean[] {
  const reached = new Array<boolean>(graph.nodes).fill(false);
  if (graph.nodes === 0) return reached;
  if (!Number.isInteger(start) || start < 0 || start >= graph.nodes) {
    throw new RangeError(
      `Cannot search graph: start must be an integer in [0, ${graph.nodes}), received ${start}`,
    );
  }
  reached[start] = true;
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const j of graph.neighbors[queue[head]]) {
      if (!reached[j]) {
        reached[j] = true;
        queue.push(j);
      }
    }
  }
  return reached;
}

/**
 * Whether every node can reach every other node.
 *
 * @param graph the graph
 * @returns true for a connected graph (a single node counts as connected)
 *
 * @example A path is connected, two isolated nodes are not
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphFromEdges, isConnected } from "./mod.ts";
 * assert.equal(isConnected(graphFromEdges(3, [[0, 1], [1, 2]])), true);
 * assert.equal(isConnected(graphFromEdges(2, [])), false);
 * ```
 */
export function isConnected(graph: Graph): boolean {
  return reachableFrom(graph).every((reached) => reached);
}

function checkNodeCount(nodes: number): void {
  if (typeof nodes !== "number") {
    throw new TypeError(`Cannot build graph: nodes must be a number, received ${typeof nodes}`);
  }
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new RangeError(`Cannot build graph: nodes must be an integer ≥ 1, received ${nodes}`);
  }
}

/**
 * Builds a graph from an edge list. Each edge is a pair of distinct node indices; an edge may
 * appear only once (in either orientation).
 *
 * @param nodes number of nodes (integer ≥ 1)
 * @param edgeList the edges, e.g. `[[0, 1], [1, 2]]`
 * @param name the graph's name (default `"custom"`)
 * @returns the graph
 * @throws {TypeError} if an edge is not a pair of numbers
 * @throws {RangeError} on an out-of-range index, a self loop or a duplicate edge
 *
 * @example A path of three nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphFromEdges } from "./mod.ts";
 * const graph = graphFromEdges(3, [[0, 1], [2, 1]]);
 * assert.deepEqual(graph.neighbors, [[1], [0, 2], [1]]);
 * ```
 */
export function graphFromEdges(
  nodes: number,
  edgeList: readonly (readonly [number, number])[],
  name = "custom",
): Graph {
  checkNodeCount(nodes);
  const adjacency = emptyAdjacency(nodes);
  edgeList.forEach((edge, k) => {
    if (!Array.isArray(edge) || edge.length !== 2 || edge.some((x) => typeof x !== "number")) {
      throw new TypeError(
        `Cannot build graph: edge ${k} must be a pair of node indices, received ${
          JSON.stringify(edge)
        }`,
      );
    }
    const [i, j] = edge;
    for (const end of [i, j]) {
      if (!Number.isInteger(end) || end < 0 || end >= nodes) {
        throw new RangeError(
          `Cannot build graph: edge ${k} has node ${end}, expected an integer in [0, ${nodes})`,
        );
      }
    }
    if (i === j) throw new RangeError(`Cannot build graph: edge ${k} is a self loop on node ${i}`);
    if (adjacency[i].has(j)) {
      throw new RangeError(`Cannot build graph: edge ${k} [${i}, ${j}] is a duplicate`);
    }
    adjacency[i].add(j);
    adjacency[j].add(i);
  });
  return makeGraph(adjacency, name);
}

function checkSquare(matrix: readonly (readonly unknown[])[]): void {
  if (!Array.isArray(matrix)) {
    throw new TypeError(`Cannot build graph: matrix must be an array of rows`);
  }
  checkNodeCount(matrix.length);
  matrix.forEach((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`Cannot build graph: row ${i} is not an array`);
    if (row.length !== matrix.length) {
      throw new RangeError(
        `Cannot build graph: row ${i} has length ${row.length}, expected ${matrix.length}`,
      );
    }
  });
}

function adjacencyEntry(value: unknown, i: number, j: number): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  throw new RangeError(
    `Cannot build graph: entry [${i}][${j}] must be 0, 1, true or false, received ${value}`,
  );
}

/**
 * Builds a graph from a square, symmetric 0/1 (or boolean) adjacency matrix with a zero
 * diagonal.
 *
 * @param matrix the adjacency matrix; `matrix[i][j]` is 1 (or true) when i and j are neighbours
 * @param name the graph's name (default `"custom"`)
 * @returns the graph
 * @throws {TypeError} if the matrix or a row is not an array
 * @throws {RangeError} on a ragged row, an entry other than 0/1, an asymmetric pair or a
 *   self loop, naming the row and column
 *
 * @example A star on three nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphFromAdjacencyMatrix } from "./mod.ts";
 * const graph = graphFromAdjacencyMatrix([[0, 1, 1], [1, 0, 0], [1, 0, 0]]);
 * assert.deepEqual(graph.neighbors, [[1, 2], [0], [0]]);
 * ```
 */
export function graphFromAdjacencyMatrix(
  matrix: readonly (readonly number[])[] | readonly (readonly boolean[])[],
  name = "custom",
): Graph {
  checkSquare(matrix);
  const nodes = matrix.length;
  const adjacency = emptyAdjacency(nodes);
  for (let i = 0; i < nodes; i++) {
    for (let j = 0; j < nodes; j++) {
      const linked = adjacencyEntry(matrix[i][j], i, j);
      if (i === j && linked) {
        throw new RangeError(`Cannot build graph: entry [${i}][${i}] is a self loop`);
      }
      if (linked !== adjacencyEntry(matrix[j][i], j, i)) {
        throw new RangeError(
          `Cannot build graph: matrix is not symmetric, [${i}][${j}] = ${
            matrix[i][j]
          } but [${j}][${i}] = ${matrix[j][i]}`,
        );
      }
      if (linked) adjacency[i].add(j);
    }
  }
  return makeGraph(adjacency, name);
}

/**
 * Builds a graph from neighbour lists (`lists[i]` holds the neighbours of node i, any order).
 * The lists must be symmetric: j lists i whenever i lists j.
 *
 * @param lists one neighbour list per node
 * @param name the graph's name (default `"custom"`)
 * @returns the graph
 * @throws {RangeError} on an out-of-range index, a self loop, a duplicate or a missing reverse
 *   entry, naming the node
 *
 * @example A path of three nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { edges, graphFromNeighborLists } from "./mod.ts";
 * assert.deepEqual(edges(graphFromNeighborLists([[1], [2, 0], [1]])), [[0, 1], [1, 2]]);
 * ```
 */
export function graphFromNeighborLists(
  lists: readonly (readonly number[])[],
  name = "custom",
): Graph {
  checkNodeCount(lists.length);
  const nodes = lists.length;
  const adjacency = emptyAdjacency(nodes);
  lists.forEach((list, i) => {
    for (const j of list) {
      if (!Number.isInteger(j) || j < 0 || j >= nodes) {
        throw new RangeError(
          `Cannot build graph: node ${i} lists neighbour ${j}, expected an integer in [0, ${nodes})`,
        );
      }
      if (i === j) throw new RangeError(`Cannot build graph: node ${i} lists itself`);
      if (adjacency[i].has(j)) {
        throw new RangeError(`Cannot build graph: node ${i} lists neighbour ${j} twice`);
      }
      if (!lists[j].includes(i)) {
        throw new RangeError(
          `Cannot build graph: node ${i} lists neighbour ${j}, but node ${j} does not list ${i}`,
        );
      }
      adjacency[i].add(j);
    }
  });
  return makeGraph(adjacency, name);
}
