/**
 * The scenario every algorithm of a config shares: the problem (same data split), the graph
 * and its mixing matrix W, built and validated from a resolved config.
 *
 * @module
 */
import { loadProblem, type SourcedProblem } from "../problems/registry.ts";
import { topologyFromSpec } from "../topologies/registry.ts";
import { readEdgeListFile } from "../topologies/edge_list.ts";
import { mixingFromSpec } from "../topologies/mixing_spec.ts";
import { validateMixing } from "../topologies/validate_mixing.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import type { Graph } from "../topologies/graph.ts";
import { type Route, staticRoute } from "../exchange/route.ts";
import { routeFromSchedule, schedules } from "../exchange/schedule_registry.ts";
import { ConfigError, type SimulationConfig } from "./config.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import { checkConfigRequirements } from "./requirements.ts";
import { spectrumOf } from "./spectrum.ts";
import { aggregatorRefusals } from "../exchange/aggregators/check.ts";
import { attackRefusals } from "../exchange/byzantine_check.ts";
import { serverRefusals } from "./server_checks.ts";
import { byzantineNodes } from "../exchange/attack.ts";

/** The scenario every algorithm of a config shares: the same data, graph and W. */
export interface SimulationSetup {
  /** The objective (built through the registry, so Workers can rebuild it). */
  problem: SourcedProblem;
  /** The mixing matrix, validated (a schedule's: its first W_t). */
  mixing: MixingMatrix;
  /** Who hears from whom at each step: the schedule's route (a static W's by default). */
  route: Route;
  /** λ of a static W once its spectrum is known: the nominal mixing rate of the rows. */
  lambda?: number;
}

/**
 * The problem spec a run builds (and every Worker rebuilds): the config's tensor backend
 * filled in (neural problems) and, under the `label-flip` attack, `poisoned` set to the run's
 * Byzantine nodes (drawn from `config.seed`, the seed of this run).
 */
export function problemSpec(config: SimulationConfig): SimulationConfig["problem"] {
  const byzantine = config.exchange.byzantine;
  const poisoned = byzantine?.attack.name === "label-flip"
    ? { poisoned: byzantineNodes(byzantine, config.nodes, config.seed) }
    : {};
  if (config.problem.type !== "neural" && !("poisoned" in poisoned)) return config.problem;
  const backend = config.problem.type === "neural" ? { backend: config.backend } : {};
  return { ...config.problem, ...backend, ...poisoned };
}

/**
 * Builds the shared scenario of a resolved config and validates W.
 *
 * @throws {ConfigError} naming the field (`topology`, `mixing`, `problem`) and the reason
 */
export async function buildSetup(config: SimulationConfig): Promise<SimulationSetup> {
  const { mixing, route } = await buildRouting(config);
  const problem = await stage(
    "problem",
    () => loadProblem(problemSpec(config), config.nodes, config.seed),
  );
  return { problem, mixing, route };
}

async function stage<T>(field: string, build: () => T | Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    const message = (error as Error).message;
    // A message that names its own field path (`schedule.k = …`) needs no prefix.
    throw new ConfigError([message.startsWith(`${field}.`) ? message : `${field}: ${message}`]);
  }
}

/**
 * Builds and validates the graph and W of a resolved config (its seed draws random graphs):
 * cheap next to a run, so every seed of a repeat is checked before the first one runs.
 *
 * @throws {ConfigError} naming the field (`topology`, `network.links`, `mixing`) and the reason,
 *   or the algorithm (`algorithms.<index>`) whose requirements W does not meet
 */
export async function buildMixing(config: SimulationConfig): Promise<MixingMatrix> {
  return (await buildRouting(config)).mixing;
}

/**
 * The route of a resolved config (its schedule over the config's W, or its own graph) and
 * the W it starts with, checked against what every algorithm requires.
 *
 * @throws {ConfigError} naming the field (`topology`, `network.links`, `mixing`, `schedule`,
 *   `exchange.server`), or the algorithm (`algorithms.<index>`) whose requirements the route
 *   does not meet
 */
export async function buildRouting(
  config: SimulationConfig,
): Promise<{ mixing: MixingMatrix; route: Route }> {
  // What the federated server's aggregator needs (Krum: more than 2f + 2 uploads a round).
  const server = serverRefusals(config);
  if (server.length) throw new ConfigError(server);
  if (!usesGraph(config)) {
    const mixing = selfOnly(config.nodes);
    return { mixing, route: staticRoute(mixing) };
  }
  const { type } = config.schedule;
  const uses = schedules.get(type).usesTopology;
  const fixed = uses ? await topologyMixing(config) : null;
  const route = await stage("schedule", () =>
    routeFromSchedule(config.schedule, {
      nodes: config.nodes,
      seed: config.seed,
      graph: () => fixed!.graph,
      mixing: () => fixed!.mixing,
    }));
  const mixing = fixed?.mixing ?? matrixAt(route, 1);
  // What each method needs of W (D²: symmetric, static, λ_min > −1/3).
  await checkConfigRequirements(config, mixing, {
    static: route.static,
    route,
    spectrum: spectrumOf,
  });
  // What the aggregator needs of every neighbourhood (a trimmed mean of b per side: n > 2b).
  const refused = aggregatorRefusals(config.exchange.aggregator, route, config.steps);
  const byzantine = config.exchange.byzantine;
  if (byzantine) refused.push(...attackRefusals(byzantine, route, config.steps, config.seed));
  if (refused.length) throw new ConfigError(refused);
  return { mixing, route };
}

/** W_t of a route as a matrix. */
function matrixAt(route: Route, t: number): MixingMatrix {
  return {
    nodes: route.nodes,
    rows: Array.from({ length: route.nodes }, (_, i) => route.inbound(i, t)),
  };
}

/** The config's topology and its W under the mixing rule, validated. */
async function topologyMixing(
  config: SimulationConfig,
): Promise<{ graph: Graph; mixing: MixingMatrix }> {
  const graph = await stage("topology", () => {
    const { file, ...spec } = config.topology;
    if (file === undefined) {
      return topologyFromSpec({ nodes: config.nodes, seed: config.seed, ...spec });
    }
    if (spec.type !== "custom") {
      throw new TypeError(`file is read only for type "custom", received type "${spec.type}"`);
    }
    return readEdgeListFile(file);
  });
  if (graph.nodes !== config.nodes) {
    throw new ConfigError([
      `nodes = ${config.nodes}: topology "${config.topology.type}" has ${graph.nodes} nodes`,
    ]);
  }
  const strays = config.network.links.flatMap((link, i) =>
    graph.neighbors[link.from]?.includes(link.to) ? [] : [
      `network.links.${i}: ${link.from} → ${link.to} is not an edge of the graph ` +
      `(${graph.name}); a link override would change nothing`,
    ]
  );
  if (strays.length) throw new ConfigError(strays);
  const mixing = await stage("mixing", () => {
    const matrix = mixingFromSpec(config.mixing, graph);
    validateMixing(matrix, graph);
    return matrix;
  });
  return { graph, mixing };
}

/** Whether any algorithm of the config mixes over the graph (federated ones do not). */
export function usesGraph(config: SimulationConfig): boolean {
  return config.algorithms.some((a) => getAlgorithm(a.name).kind === "decentralized");
}

/** W = I: each node only itself. Federated runs have no graph; nothing mixes through it. */
function selfOnly(nodes: number): MixingMatrix {
  const rows = Array.from({ length: nodes }, (_, i) => ({ indices: [i], weights: [1] }));
  return { nodes, rows };
}
