import type { Graph } from "./graph.ts";

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
