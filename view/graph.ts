/**
 * The graph the live view draws: the config's topology (the same graph W is built on, rebuilt
 * here from the spec and the run's seed, without the problem) and a deterministic layout:
 * a grid for `torus` and `grid`, a circle otherwise, the federated server in the middle. A run
 * on a schedule other than `static` gets its route too (rebuilt the same way): a schedule that
 * points one way but stays the same draws its edges as arrows; one that changes with the step
 * draws the edges of the step shown ({@linkcode activeEdges}), which the live view sends with
 * each snapshot.
 *
 * @module
 */
import { getAlgorithm } from "../algorithms/registry.ts";
import type { Route } from "../exchange/route.ts";
import { buildRouting } from "../simulation/setup.ts";
import { readEdgeListFile } from "../topologies/edge_list.ts";
import { edges } from "../topologies/graph.ts";
import { topologyFromSpec } from "../topologies/registry.ts";
import type { SimulationConfig } from "../simulation/config.ts";
import { activeEdges } from "./schedule_edges.ts";

/** A graph as the browser draws it. */
export interface ViewGraph {
  /** Nodes drawn: the config's nodes, plus the federated server (the last one) if any. */
  nodes: number;
  /**
   * Undirected edges `[i, j]`, `i < j`: W's neighbours, or server–client for federated; for a
   * one-way schedule, directed ones (`[i, j]`: i sends to j); none for a changing schedule.
   */
  edges: [number, number][];
  /** Whether `edges` (and a changing schedule's edges at each step) point one way. */
  directed: boolean;
  /**
   * The schedule's name when its graph changes with the step (the page draws the edges active
   * at the step shown, from each snapshot's `active`), else null.
   */
  changing: string | null;
  /** Each node's position in the unit square. */
  positions: [number, number][];
  /** The configured stragglers. */
  stragglers: number[];
  /** The federated server's node index, or null. */
  server: number | null;
}

/** Rounds to 4 decimals so that the layout is the same text everywhere. */
function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/** `n` points on a circle of radius 0.45 around the centre, node 0 at the top. */
export function circleLayout(n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const angle = (2 * Math.PI * i) / n - Math.PI / 2;
    return [round4(0.5 + 0.45 * Math.cos(angle)), round4(0.5 + 0.45 * Math.sin(angle))];
  });
}

/** `rows × cols` points on a grid filling the unit square's middle, row by row. */
export function gridLayout(rows: number, cols: number): [number, number][] {
  const at = (k: number, count: number) => count === 1 ? 0.5 : 0.05 + (0.9 * k) / (count - 1);
  return Array.from(
    { length: rows * cols },
    (_, i) => [round4(at(i % cols, cols)), round4(at(Math.floor(i / cols), rows))],
  );
}

/**
 * The graph of one run of a resolved config: its topology with the run's seed (random graphs
 * depend on it), or a star around the server for a federated algorithm.
 *
 * @param config the resolved config
 * @param algorithm the run's algorithm (registry name)
 * @param seed the run's seed
 * @returns nodes, edges, layout and stragglers
 */
export async function viewGraph(
  config: SimulationConfig,
  algorithm: string,
  seed: number,
): Promise<ViewGraph> {
  return (await viewNetwork(config, algorithm, seed)).graph;
}

/**
 * The graph of one run and, for a run on a schedule other than `static`, its route (the one
 * `buildRouting` gives the run: same schedule, nodes and seed).
 *
 * @param config the resolved config
 * @param algorithm the run's algorithm (registry name)
 * @param seed the run's seed
 * @returns the graph to draw, and the route of a schedule (null for `static` and federated)
 */
export async function viewNetwork(
  config: SimulationConfig,
  algorithm: string,
  seed: number,
): Promise<{ graph: ViewGraph; route: Route | null }> {
  const stragglers = [...config.network.stragglers.nodes];
  const n = config.nodes;
  if (getAlgorithm(algorithm).kind === "federated") {
    const graph: ViewGraph = {
      nodes: n + 1,
      edges: Array.from({ length: n }, (_, i): [number, number] => [i, n]),
      directed: false,
      changing: null,
      positions: [...circleLayout(n), [0.5, 0.5]],
      stragglers,
      server: n,
    };
    return { graph, route: null };
  }
  if (config.schedule.type !== "static") {
    const { route } = await buildRouting({ ...config, seed });
    const fixed = route.static ? activeEdges(route, 1, Infinity) : null;
    const graph: ViewGraph = {
      nodes: n,
      edges: fixed?.edges ?? [],
      directed: !route.symmetric,
      changing: route.static ? null : config.schedule.type,
      positions: circleLayout(n),
      stragglers,
      server: null,
    };
    return { graph, route: route.static ? null : route };
  }
  const { file, ...spec } = config.topology;
  const graph = file === undefined
    ? topologyFromSpec({ nodes: n, seed, ...spec })
    : await readEdgeListFile(file);
  const { rows, cols } = spec as { rows?: number; cols?: number };
  const gridded = (spec.type === "torus" || spec.type === "grid") && rows && cols &&
    rows * cols === graph.nodes;
  return {
    graph: {
      nodes: graph.nodes,
      edges: edges(graph),
      directed: false,
      changing: null,
      positions: gridded ? gridLayout(rows, cols) : circleLayout(graph.nodes),
      stragglers,
      server: null,
    },
    route: null,
  };
}
