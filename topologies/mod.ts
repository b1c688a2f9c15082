/**
 * Communication topologies and mixing matrices for gossim (ALGORITHMS.md §1).
 *
 * - {@linkcode Graph}: an undirected graph; generators for ring, path, complete, star, torus,
 *   grid, hypercube, Erdős–Rényi (seeded, connected) and exponential graphs; builders from an
 *   edge list, an adjacency matrix or neighbour lists; {@linkcode topologyFromSpec} from plain
 *   data, through the registry of topology types ({@linkcode registerTopology} adds one);
 *   {@linkcode readEdgeListFile} / {@linkcode parseEdgeList} for `*.edges` files.
 * - {@linkcode MixingMatrix}: a sparse W with builders (uniform, Metropolis–Hastings,
 *   max-degree, constant, lazy, user matrix), {@linkcode validateMixing} and
 *   {@linkcode mixingFromSpec}.
 * - {@linkcode spectralAnalysis}: λ2, λN, λ = max(|λ2|, |λN|) and the spectral gap 1 − λ.
 *
 * @example Metropolis–Hastings on a ring, validated and analysed
 * ```ts
 * import assert from "node:assert/strict";
 * import { metropolisHastings, ringTopology, spectralAnalysis, validateMixing } from "./mod.ts";
 * const graph = ringTopology(6);
 * const w = metropolisHastings(graph);
 * validateMixing(w, graph);
 * assert.ok(spectralAnalysis(w).gap > 0);
 * ```
 *
 * @module
 */

export * from "./graph.ts";
export * from "./generators.ts";
export * from "./registry.ts";
export type { TopologyContext, TopologyDefinition } from "./topology_definition.ts";
export * from "./edge_list.ts";
export * from "./mixing.ts";
export * from "./mixing_from_matrix.ts";
export * from "./mixing_spec.ts";
export * from "./validate_mixing.ts";
export * from "./spectral.ts";
