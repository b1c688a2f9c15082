/**
 * Edge-list files: the plain-text topology format of decentralizepy's `*.edges` files (see
 * `data/topologies/`). The first token is the number of nodes N; then one edge per
 * line, `a b`, with 0-based node ids. Edges are undirected and a pair may be listed in both
 * directions (or repeated): it becomes one edge. Blank lines and `\r\n` line ends are accepted.
 *
 * Every error names the source, the 1-based line number, the offending text and what was
 * expected, e.g. `Cannot read edge list "x.edges": line 7: node 40 is out of range 0 … 35,
 * received "3 40"`.
 *
 * @module
 */

import { type Graph, graphFromEdges } from "./graph.ts";

/** The largest node count an edge-list file may declare. */
export const MAX_EDGE_LIST_NODES = 10_000_000;

/** A parsed edge list: the node count and each undirected edge once. */
export interface EdgeList {
  /** N, the number of nodes (ids `0 … N − 1`). */
  readonly nodes: number;
  /** Each undirected edge once, as `[min, max]`, in order of first appearance. */
  readonly edges: [number, number][];
}

const INTEGER = /^\d+$/;

/** Union–find root of `i`, with path halving. */
function root(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** The first node that node 0 cannot reach, or -1 for a connected graph. */
function firstUnreachable(nodes: number, edges: readonly [number, number][]): number {
  const parent = Int32Array.from({ length: nodes }, (_, i) => i);
  for (const [a, b] of edges) parent[root(parent, a)] = root(parent, b);
  const base = root(parent, 0);
  for (let i = 1; i < nodes; i++) if (root(parent, i) !== base) return i;
  return -1;
}

/**
 * Parses the text of an edge-list file and validates it: N must be an integer in
 * [1, {@linkcode MAX_EDGE_LIST_NODES}] alone on the first non-blank line; every other
 * non-blank line must hold two integer node ids in `0 … N − 1` that differ; the graph must be
 * connected. Duplicate edges (either direction) are merged.
 *
 * @param text the file's contents
 * @param source the file's name or path, quoted in error messages
 * @returns the node count and the deduplicated edges
 * @throws {RangeError} on an empty text, a missing or bad N, a malformed line, a node id out of
 *   range, a self-loop or a disconnected graph, naming the line and its text
 *
 * @example Both directions of a pair are one edge
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEdgeList } from "./mod.ts";
 * const { nodes, edges } = parseEdgeList("3\n0 1\n1 0\n2 1\n");
 * assert.equal(nodes, 3);
 * assert.deepEqual(edges, [[0, 1], [1, 2]]);
 * ```
 */
export function parseEdgeList(text: string, source?: string): EdgeList {
  const where = source === undefined ? "" : ` ${JSON.stringify(source)}`;
  const fail = (message: string): never => {
    throw new RangeError(`Cannot read edge list${where}: ${message}`);
  };
  if (typeof text !== "string") fail(`expected text, received ${typeof text}`);
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) fail(`expected the number of nodes N as the first token, received no text`);
  const header = lines[first].trim();
  if (/\s/.test(header)) {
    fail(`line ${first + 1}: expected the number of nodes N alone, received "${header}"`);
  }
  const nodes = Number(header);
  if (!INTEGER.test(header) || nodes < 1 || nodes > MAX_EDGE_LIST_NODES) {
    fail(
      `line ${
        first + 1
      }: the number of nodes N must be an integer in 1 … ${MAX_EDGE_LIST_NODES}, received "${header}"`,
    );
  }
  const range = `0 … ${nodes - 1}`;
  const seen = new Set<number>();
  const edges: [number, number][] = [];
  for (let k = first + 1; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === "") continue;
    const at = `line ${k + 1}:`;
    const tokens = line.split(/\s+/);
    if (tokens.length !== 2) {
      fail(`${at} expected an edge "a b" (two node ids), received "${line}"`);
    }
    const ends = tokens.map((token) => {
      if (!INTEGER.test(token)) {
        fail(`${at} node ids must be integers in ${range}, received "${line}"`);
      }
      const id = Number(token);
      if (id < 0 || id >= nodes) {
        fail(`${at} node ${token} is out of range ${range}, received "${line}"`);
      }
      return id;
    });
    const [a, b] = ends[0] < ends[1] ? ends : [ends[1], ends[0]];
    if (a === b) {
      fail(`${at} an edge must link two different nodes, received a self-loop "${line}"`);
    }
    const key = a * nodes + b;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push([a, b]);
  }
  const unreached = firstUnreachable(nodes, edges);
  if (unreached !== -1) {
    fail(
      `the graph must be connected, but node ${unreached} cannot be reached from node 0, received ${nodes} nodes and ${edges.length} edges`,
    );
  }
  return { nodes, edges };
}

/** The last path segment of a file name, path or URL. */
function baseName(source: string): string {
  return source.split(/[\\/]/).filter(Boolean).at(-1) ?? source;
}

/**
 * Builds the graph an edge-list text describes (see {@linkcode parseEdgeList}).
 *
 * @param text the file's contents
 * @param source the file's name or path, quoted in error messages; its last segment names the
 *   graph (default name `"custom"`)
 * @returns the connected graph
 * @throws {RangeError} as {@linkcode parseEdgeList}
 *
 * @example A triangle
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphFromEdgeList } from "./mod.ts";
 * const graph = graphFromEdgeList("3\n0 1\n1 2\n2 0\n", "triangle.edges");
 * assert.equal(graph.name, "triangle.edges");
 * assert.deepEqual(graph.neighbors, [[1, 2], [0, 2], [0, 1]]);
 * ```
 */
export function graphFromEdgeList(text: string, source?: string): Graph {
  const { nodes, edges } = parseEdgeList(text, source);
  return graphFromEdges(nodes, edges, source === undefined ? "custom" : baseName(source));
}

/**
 * Reads an edge-list file and builds its graph (see {@linkcode parseEdgeList}); the graph is
 * named after the file. Needs `--allow-read`.
 *
 * @param path the file's path, or a `file:` URL
 * @returns the connected graph
 * @throws {Error} if the file cannot be read, naming the path (the cause attached)
 * @throws {RangeError} as {@linkcode parseEdgeList}, naming the path
 *
 * @example A graph from the repository's test data (a relative path is read from the working
 * directory, here the repository root)
 * ```ts
 * import assert from "node:assert/strict";
 * import { readEdgeListFile } from "./mod.ts";
 * const graph = await readEdgeListFile("data/topologies/eval_36_nodes.edges");
 * assert.equal(graph.nodes, 36);
 * assert.equal(graph.name, "eval_36_nodes.edges");
 * ```
 */
export async function readEdgeListFile(path: string | URL): Promise<Graph> {
  const source = path instanceof URL
    ? (path.protocol === "file:" ? decodeURIComponent(path.pathname) : path.href)
    : path;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read edge list ${JSON.stringify(source)}: ${reason}`, {
      cause: error,
    });
  }
  return graphFromEdgeList(text, source);
}
