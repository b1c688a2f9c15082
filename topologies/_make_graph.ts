/**
 * The {@linkcode Graph} type and its private constructor, which every builder of
 * `topologies/` ends with.
 *
 * @module
 */

/**
 * An undirected graph on nodes `0 … nodes − 1`.
 *
 * Guarantees, for every graph built by this module:
 * - `neighbors[i]` is sorted ascending, without duplicates, and never contains `i` (no self loops);
 * - `j ∈ neighbors[i]` exactly when `i ∈ neighbors[j]` (undirected);
 * - the object and its arrays are frozen.
 */
export interface Graph {
  /** Number of nodes. */
  readonly nodes: number;
  /** Neighbour lists, one per node, sorted ascending. */
  readonly neighbors: readonly (readonly number[])[];
  /** A human-readable name such as `"ring(7)"` or `"custom"`. */
  readonly name: string;
}

/**
 * Builds a frozen {@linkcode Graph} from adjacency sets that are already symmetric and free of
 * self loops. Private to `topologies/`: the public builders validate before calling it.
 */
export function makeGraph(adjacency: readonly Set<number>[], name: string): Graph {
  const neighbors = adjacency.map((set) => Object.freeze([...set].sort((a, b) => a - b)));
  return Object.freeze({ nodes: adjacency.length, neighbors: Object.freeze(neighbors), name });
}

/** `nodes` empty adjacency sets. */
export function emptyAdjacency(nodes: number): Set<number>[] {
  return Array.from({ length: nodes }, () => new Set<number>());
}
