// Swarm testing, as deterministic simulators do it: a seed draws a whole scenario — topology,
// size, algorithm, mode and every fault kind, with extreme but valid values — so one seed
// reproduces any failure.
import { listAlgorithms } from "../algorithms/registry.ts";
import { Rng } from "../random.ts";
import { TOPOLOGY_TYPES } from "../topologies/registry.ts";

type Scenario = Record<string, unknown>;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** A duration distribution, sometimes extreme. */
function distribution(rng: Rng, scale: number): Scenario {
  switch (rng.int(5)) {
    case 0:
      return { type: "constant", value: pick(rng, [0, scale, scale * 1e3]) };
    case 1:
      return { type: "uniform", min: 0, max: scale * (1 + rng.int(100)) };
    case 2:
      return { type: "exponential", mean: scale * pick(rng, [1e-3, 1, 10]) };
    case 3:
      return { type: "lognormal", mu: Math.log(scale), sigma: pick(rng, [0, 1, 3]) };
    default:
      return { type: "pareto", scale, shape: pick(rng, [0.1, 0.5, 1.5, 3]) };
  }
}

/** The topology of a swarm scenario, with its node count. */
function topology(rng: Rng): { nodes: number; topology: Scenario } {
  const kind = pick(rng, TOPOLOGY_TYPES.filter((type) => type !== "custom"));
  if (kind === "torus" || kind === "grid") {
    const rows = 3 + rng.int(2), cols = 3 + rng.int(2);
    return { nodes: rows * cols, topology: { type: kind, rows, cols } };
  }
  if (kind === "hypercube") {
    const dimension = 1 + rng.int(3);
    return { nodes: 2 ** dimension, topology: { type: kind, dimension } };
  }
  const nodes = (kind === "ring" ? 3 : 2) + rng.int(9);
  return { nodes, topology: kind === "erdos-renyi" ? { type: kind, p: 0.7 } : { type: kind } };
}

/** Faults of every kind, each present or not. */
function network(rng: Rng, nodes: number, edges: [number, number][]): Scenario {
  const scenario: Scenario = {
    latency: distribution(rng, 0.001),
    compute: distribution(rng, 0.01),
    dropProbability: pick(rng, [0, 0.1, 0.5, 1]),
    duplicateProbability: pick(rng, [0, 0.2]),
  };
  if (rng.bernoulli(0.3)) scenario.bandwidth = pick(rng, [1, 1e3, 1e9]);
  if (rng.bernoulli(0.3)) scenario.linkCapacity = 1 + rng.int(3);
  if (rng.bernoulli(0.3)) scenario.clog = { probability: 0.2, durationMean: 0.05 };
  if (rng.bernoulli(0.4) && edges.length) {
    const [from, to] = pick(rng, edges);
    scenario.links = [{
      from,
      to,
      dropProbability: pick(rng, [0, 1]),
      latency: distribution(rng, 0.01),
    }];
  }
  if (rng.bernoulli(0.4)) {
    const start = rng.uniform(0, 0.2);
    scenario.partitions = [{
      start,
      end: start + rng.uniform(0, 0.3),
      nodes: rng.sample(nodes, 1 + rng.int(nodes - 1 || 1)),
      oneWay: rng.bernoulli(0.5),
    }];
  }
  if (rng.bernoulli(0.4)) {
    scenario.randomPartitions = {
      mode: pick(rng, ["isolate-single", "uniform-split"]),
      probability: rng.next(),
      healProbability: rng.next(),
      stability: pick(rng, [1e-9, 1e-3, 0.05]),
      symmetric: rng.bernoulli(0.5),
    };
  }
  if (rng.bernoulli(0.5)) {
    scenario.stragglers = {
      nodes: rng.sample(nodes, 1 + rng.int(nodes)),
      slowdown: pick(rng, [2, 10, 1e3]),
    };
  }
  if (rng.bernoulli(0.4)) {
    scenario.crashes = rng.sample(nodes, 1 + rng.int(nodes)).map((node) => {
      const at = rng.uniform(0, 0.3);
      return { node, at, rejoin: rng.bernoulli(0.6) ? at + rng.uniform(0.01, 0.5) : null };
    });
  }
  return scenario;
}

/** The scenario seed `seed` draws (a config for runSimulation, actor engine). */
export function swarmScenario(seed: number): Scenario {
  const rng = new Rng(seed, "swarm");
  const { nodes, topology: graph } = topology(rng);
  const algorithms = listAlgorithms().filter((d) =>
    !d.module && !d.name.startsWith("test-") && !d.name.startsWith("probe-") &&
    !d.name.startsWith("throw")
  );
  const algorithm = pick(rng, algorithms);
  const federated = algorithm.kind === "federated";
  const mode = federated ? "sync" : pick(rng, ["sync", "async", "bounded"]);
  const ring = Array.from({ length: nodes }, (_, i) => [i, (i + 1) % nodes] as [number, number]);
  const edges = graph.type === "ring" || graph.type === "complete" ? ring.slice(0, nodes - 1) : [];
  const scenario: Scenario = {
    name: `swarm ${seed}`,
    nodes,
    algorithms: [algorithm.name],
    problem: pick(rng, [
      { type: "quadratic", dim: 2, heterogeneity: 1 },
      { type: "logistic", dim: 3, samplesPerNode: 10, testSamples: 20, batchSize: 5 },
    ]),
    steps: 5 + rng.int(20),
    evalEvery: 1 + rng.int(5),
    seed,
    engine: "actors",
    network: network(rng, nodes, federated ? [] : edges),
  };
  if (federated) {
    scenario.federated = {
      localSteps: 1 + rng.int(3),
      participation: pick(rng, [1, 0.5, 0.3]),
      weighting: pick(rng, ["uniform", "samples"]),
    };
    // A buffered server (FedBuff) keeps C clients training and weighs by staleness instead.
    if (algorithm.name === "fedbuff") scenario.federated = { localSteps: 1 + rng.int(3) };
    scenario.timeout = pick(rng, [1e-6, 0.05, 1, 1e3]);
  } else {
    scenario.topology = graph;
    // A method that needs λ_min(W) above a bound (D²) gets the lazy W, which always has it.
    if (algorithm.requires?.lambdaMinAbove !== undefined) scenario.mixing = { lazy: true };
    scenario.mode = mode;
    if (mode !== "async") scenario.timeout = pick(rng, [1e-6, 0.05, 1, 1e3]);
    if (mode === "sync") {
      const policies = ["stale", "self", "renormalize"];
      scenario.missing = pick(rng, algorithm.name === "sgp" ? [...policies, "drop"] : policies);
    }
    if (mode === "bounded") scenario.staleness = rng.int(4);
    schedule(rng, scenario, algorithm.requires ?? {}, nodes);
    exchange(rng, scenario);
  }
  // One scenario in three keeps its models in float32 (drawn last, so the draws above stay).
  if (rng.next() < 1 / 3) {
    scenario.problem = { ...(scenario.problem as object), precision: "float32" };
  }
  return scenario;
}

/**
 * One scenario in four compresses its messages, one in four aggregates them robustly, one in
 * five has a Byzantine node.
 */
function exchange(rng: Rng, scenario: Scenario): void {
  const stages: Record<string, unknown> = {};
  if (rng.next() < 0.25) {
    stages.encoder = pick(rng, [
      { name: "top-k", params: { fraction: 0.5 } },
      { name: "random-k", params: { fraction: 0.5 } },
      { name: "qsgd", params: { levels: 4 } },
      "sign",
    ]);
  }
  if (rng.next() < 0.25) {
    stages.aggregator = pick(rng, [
      "median",
      { name: "clipped-gossip", params: { tau: 0.5 } },
      { name: "trimmed-mean", params: { b: 0 } },
    ]);
  }
  if (rng.next() < 0.2) {
    const attack = pick(rng, ["sign-flip", "gaussian", "ipm", { name: "alie", params: { z: 1 } }]);
    stages.byzantine = { nodes: [rng.int(scenario.nodes as number)], attack };
  }
  if (Object.keys(stages).length) scenario.exchange = stages;
}

/** Schedules whose every W_t is doubly stochastic. */
const DOUBLY = [
  "one-peer-exponential",
  "static-exponential",
  "random-matching",
  "erdos-renyi-redraw",
  "directed-ring",
];

/** Two scenarios in five mix on a schedule the algorithm accepts instead of the static W. */
function schedule(
  rng: Rng,
  scenario: Scenario,
  needs: { static?: boolean; doublyStochastic?: boolean },
  nodes: number,
): void {
  if (needs.static || rng.next() >= 0.4) return;
  const type = pick(rng, needs.doublyStochastic ? DOUBLY : [...DOUBLY, "k-out"]);
  scenario.schedule = type === "k-out"
    ? { type, k: nodes === 2 ? 1 : 2 + rng.int(Math.min(2, nodes - 2)) }
    : type === "erdos-renyi-redraw"
    ? { type, p: 0.7, every: 1 + rng.int(5) }
    : { type };
  if (type !== "random-matching") {
    delete scenario.topology;
    delete scenario.mixing;
  }
}
