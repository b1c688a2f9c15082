/**
 * Generators for the standard communication topologies: ring, path, complete, star, 2-D torus
 * and grid, hypercube, Erdős–Rényi (seeded, resampled until connected) and the exponential
 * graph. Every generator validates its arguments and returns a {@linkcode Graph}.
 *
 * @module
 */

import { Rng } from "../random.ts";
import { emptyAdjacency, makeGraph } from "./_make_graph.ts";
import { type Graph, isConnected } from "./graph.ts";

/** Throws unless `value` is an integer in `[min, max]`. */
function requireInteger(
  topology: string,
  argument: string,
  value: number,
  [min, max]: [number, number],
): void {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot build ${topology}: ${argument} must be a number, received ${typeof value}`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(
      `Cannot build ${topology}: ${argument} must be an integer ${range}, received ${value}`,
    );
  }
}

/** Adjacency sets with an undirected edge added for every `[i, j]` the callback yields. */
function buildAdjacency(nodes: number, linksOf: (i: number) => number[]): Set<number>[] {
  const adjacency = emptyAdjacency(nodes);
  for (let i = 0; i < nodes; i++) {
    for (const j of linksOf(i)) {
      if (j === i) continue;
      adjacency[i].add(j);
      adjacency[j].add(i);
    }
  }
  return adjacency;
}

/**
 * The ring (cycle) on `nodes` nodes: node i is linked to i ± 1 mod n. Every degree is 2.
 *
 * @param nodes number of nodes (integer ≥ 3)
 * @returns the ring, named `"ring(n)"`
 * @throws {RangeError} if `nodes` is not an integer ≥ 3
 *
 * @example Degrees of a ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringTopology } from "./mod.ts";
 * assert.deepEqual(ringTopology(5).neighbors[0], [1, 4]);
 * ```
 */
export function ringTopology(nodes: number): Graph {
  requireInteger("ring", "nodes", nodes, [3, Infinity]);
  return makeGraph(buildAdjacency(nodes, (i) => [(i + 1) % nodes]), `ring(${nodes})`);
}

/**
 * The path 0 – 1 – … – (n − 1).
 *
 * @param nodes number of nodes (integer ≥ 2)
 * @returns the path, named `"path(n)"`
 * @throws {RangeError} if `nodes` is not an integer ≥ 2
 */
export function pathTopology(nodes: number): Graph {
  requireInteger("path", "nodes", nodes, [2, Infinity]);
  return makeGraph(buildAdjacency(nodes, (i) => (i + 1 < nodes ? [i + 1] : [])), `path(${nodes})`);
}

/**
 * The complete graph: every pair of nodes is linked.
 *
 * @param nodes number of nodes (integer ≥ 2)
 * @returns the complete graph, named `"complete(n)"`
 * @throws {RangeError} if `nodes` is not an integer ≥ 2
 */
export function completeTopology(nodes: number): Graph {
  requireInteger("complete", "nodes", nodes, [2, Infinity]);
  const all = Array.from({ length: nodes }, (_, j) => j);
  return makeGraph(buildAdjacency(nodes, () => all), `complete(${nodes})`);
}

/**
 * The star: node 0 is the hub linked to every other node; leaves have degree 1.
 *
 * @param nodes number of nodes including the hub (integer ≥ 2)
 * @returns the star, named `"star(n)"`
 * @throws {RangeError} if `nodes` is not an integer ≥ 2
 */
export function starTopology(nodes: number): Graph {
  requireInteger("star", "nodes", nodes, [2, Infinity]);
  return makeGraph(buildAdjacency(nodes, (i) => (i > 0 ? [0] : [])), `star(${nodes})`);
}

/**
 * The 2-D torus: a `rows × cols` grid with wrap-around; node `r · cols + c` is linked to its
 * four neighbours (r ± 1 mod rows, c) and (r, c ± 1 mod cols). Degrees are 4 when rows, cols ≥ 3
 * (a side of length 2 contributes one neighbour, not two).
 *
 * @param rows number of rows (integer ≥ 2)
 * @param cols number of columns (integer ≥ 2)
 * @returns the torus, named `"torus(rows×cols)"`
 * @throws {RangeError} if `rows` or `cols` is not an integer ≥ 2
 */
export function torusTopology(rows: number, cols: number): Graph {
  requireInteger("torus", "rows", rows, [2, Infinity]);
  requireInteger("torus", "cols", cols, [2, Infinity]);
  const adjacency = buildAdjacency(rows * cols, (i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    return [((r + 1) % rows) * cols + c, r * cols + ((c + 1) % cols)];
  });
  return makeGraph(adjacency, `torus(${rows}×${cols})`);
}

/**
 * The 2-D grid (lattice) without wrap-around: node `r · cols + c` is linked to (r ± 1, c) and
 * (r, c ± 1) where those exist.
 *
 * @param rows number of rows (integer ≥ 1)
 * @param cols number of columns (integer ≥ 1); `rows · cols` must be at least 2
 * @returns the grid, named `"grid(rows×cols)"`
 * @throws {RangeError} if an argument is not a positive integer or the grid has one node
 */
export function gridTopology(rows: number, cols: number): Graph {
  requireInteger("grid", "rows", rows, [1, Infinity]);
  requireInteger("grid", "cols", cols, [1, Infinity]);
  if (rows * cols < 2) {
    throw new RangeError(`Cannot build grid: needs at least 2 nodes, received ${rows}×${cols}`);
  }
  const adjacency = buildAdjacency(rows * cols, (i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const links: number[] = [];
    if (r + 1 < rows) links.push(i + cols);
    if (c + 1 < cols) links.push(i + 1);
    return links;
  });
  return makeGraph(adjacency, `grid(${rows}×${cols})`);
}

/** The largest hypercube dimension accepted (2^20 nodes). */
export const MAX_HYPERCUBE_DIMENSION = 20;

/**
 * The hypercube of the given dimension d: 2^d nodes, i linked to every i XOR 2^k. Every degree
 * is d.
 *
 * @param dimension the dimension d (integer in [1, {@linkcode MAX_HYPERCUBE_DIMENSION}])
 * @returns the hypercube, named `"hypercube(d)"`
 * @throws {RangeError} if `dimension` is out of range
 */
export function hypercubeTopology(dimension: number): Graph {
  requireInteger("hypercube", "dimension", dimension, [1, MAX_HYPERCUBE_DIMENSION]);
  const bits = Array.from({ length: dimension }, (_, k) => 1 << k);
  return makeGraph(
    buildAdjacency(1 << dimension, (i) => bits.map((bit) => i ^ bit)),
    `hypercube(${dimension})`,
  );
}

/**
 * The exponential graph: node i is linked to i ± 2^k mod n for k = 0 … ⌊log2(n − 1)⌋, made
 * undirected. Degrees are O(log n) and the graph mixes fast.
 *
 * @param nodes number of nodes (integer ≥ 2)
 * @returns the exponential graph, named `"exponential(n)"`
 * @throws {RangeError} if `nodes` is not an integer ≥ 2
 */
export function exponentialTopology(nodes: number): Graph {
  requireInteger("exponential", "nodes", nodes, [2, Infinity]);
  const adjacency = buildAdjacency(nodes, (i) => {
    const links: number[] = [];
    for (let step = 1; step <= nodes - 1; step *= 2) {
      links.push((i + step) % nodes, (i - step + nodes) % nodes);
    }
    return links;
  });
  return makeGraph(adjacency, `exponential(${nodes})`);
}

/**
 * Up to this many nodes G(n, p) draws one Bernoulli per pair (the graphs every earlier run
 * used); above it, the gaps between edges are drawn geometrically (Batagelj and Brandes 2005):
 * the same distribution in O(n + edges) instead of O(n²) time.
 */
export const ERDOS_RENYI_PAIRWISE_MAX_NODES = 2_000;

/** G(n, p)'s edges by geometric skips over the pairs (i, j), i < j, in lexicographic order. */
function skipSampledAdjacency(nodes: number, p: number, rng: Rng): Set<number>[] {
  const adjacency = Array.from({ length: nodes }, () => new Set<number>());
  const logQ = Math.log(1 - p);
  let i = 0, j = 0; // the current pair is (i, j); j = i means "before the row's first pair"
  for (;;) {
    const skip = p === 1 ? 0 : Math.floor(Math.log(1 - rng.next()) / logQ);
    j += 1 + skip;
    while (i < nodes && j >= nodes) {
      j = j - nodes + i + 2;
      i++;
    }
    if (i >= nodes - 1) return adjacency;
    adjacency[i].add(j);
    adjacency[j].add(i);
  }
}

/** How many graphs {@linkcode erdosRenyiTopology} samples before giving up. */
export const ERDOS_RENYI_MAX_ATTEMPTS = 1000;

/**
 * A connected Erdős–Rényi graph G(n, p): each pair is linked independently with probability p,
 * resampled until the graph is connected (at most {@linkcode ERDOS_RENYI_MAX_ATTEMPTS} tries).
 * Randomness comes from `new Rng(seed, "topology/erdos-renyi")`, so a seed always gives the
 * same graph.
 *
 * @param nodes number of nodes (integer ≥ 2)
 * @param p edge probability in (0, 1]
 * @param seed the seed (any finite number)
 * @returns the graph, named `"erdos-renyi(n, p, seed)"`
 * @throws {RangeError} on bad arguments, or if no connected graph was drawn (p too small)
 *
 * @example The same seed gives the same graph
 * ```ts
 * import assert from "node:assert/strict";
 * import { erdosRenyiTopology } from "./mod.ts";
 * assert.deepEqual(erdosRenyiTopology(8, 0.4, 1), erdosRenyiTopology(8, 0.4, 1));
 * ```
 */
export function erdosRenyiTopology(nodes: number, p: number, seed: number): Graph {
  requireInteger("erdos-renyi", "nodes", nodes, [2, Infinity]);
  if (typeof p !== "number" || !(p > 0 && p <= 1)) {
    throw new RangeError(`Cannot build erdos-renyi: p must be a number in (0, 1], received ${p}`);
  }
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new RangeError(
      `Cannot build erdos-renyi: seed must be a finite number, received ${seed}`,
    );
  }
  const rng = new Rng(seed, "topology/erdos-renyi");
  const name = `erdos-renyi(${nodes}, ${p}, seed ${seed})`;
  for (let attempt = 0; attempt < ERDOS_RENYI_MAX_ATTEMPTS; attempt++) {
    const adjacency = nodes <= ERDOS_RENYI_PAIRWISE_MAX_NODES
      ? buildAdjacency(nodes, (i) => {
        const links: number[] = [];
        for (let j = i + 1; j < nodes; j++) if (rng.bernoulli(p)) links.push(j);
        return links;
      })
      : skipSampledAdjacency(nodes, p, rng);
    const graph = makeGraph(adjacency, name);
    if (isConnected(graph)) return graph;
  }
  const threshold = Math.log(nodes) / nodes;
  throw new RangeError(
    `Cannot build erdos-renyi: no connected graph in ${ERDOS_RENYI_MAX_ATTEMPTS} attempts with nodes ${nodes} and p ${p}; p is too small (connectivity needs p above about ln(n)/n = ${
      threshold.toPrecision(3)
    })`,
  );
}
