/**
 * Node-steps per second of the sequential and actor engines on the same run, side by side
 * (one process, same machine state, so the ratio is meaningful on a noisy machine). Setup
 * (data, graph, W and its spectrum, and the actor engine's Workers, started and loaded by a
 * one-step warm-up run on the same pool) is built once and not timed.
 *
 *   deno run --allow-read --unstable-worker-options bench/compare_engines.ts [N …] [--dim D]
 *
 * @module
 */
import { actorRunOptions, buildSetup, type SimulationSetup } from "../simulation/mod.ts";
import type { SimulationConfig } from "../simulation/config.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActors } from "../actors/engine.ts";
import { ActorPool } from "../actors/supervisor.ts";

/** One measured configuration. */
export interface EngineComparison {
  /** Nodes. */
  nodes: number;
  /** Iterations. */
  steps: number;
  /** Node-steps per second, sequential engine. */
  sequential: number;
  /** Node-steps per second, actor engine (sync, no faults). */
  actors: number;
  /** Node-steps per second, actor engine (async, log-normal delays, drops 0.1). */
  actorsAsync: number;
}

/** The benchmark's scenario: decentralized AMSGrad on an N-node ring logistic regression. */
export function benchScenario(nodes: number, steps: number, dim = 20): Record<string, unknown> {
  return {
    algorithms: ["decentralized-amsgrad"],
    nodes,
    topology: { type: "ring" },
    problem: { type: "logistic", dim, samplesPerNode: 50, testSamples: 200, batchSize: 10 },
    steps,
    evalEvery: steps,
  };
}

/** Node-steps per second of one engine on a prepared setup (setup time excluded). */
async function rate(
  config: SimulationConfig,
  setup: SimulationSetup,
  engine: "sequential" | "actors",
  pool: ActorPool,
): Promise<number> {
  const { name, params } = config.algorithms[0];
  const algorithm = createAlgorithm(name, params) as DecentralizedAlgorithm;
  let start = performance.now();
  if (engine === "sequential") {
    runDecentralized({
      ...setup,
      algorithm,
      steps: config.steps,
      seed: 0,
      evalEvery: config.steps,
    });
  } else {
    const options = { ...actorRunOptions(config, setup, { name, params }, 0), pool };
    await runActors({ ...options, steps: 1, evalEvery: 1 });
    start = performance.now();
    await runActors(options);
  }
  return (config.nodes * config.steps) / ((performance.now() - start) / 1000);
}

/** Measures both engines for each node count (setup excluded, same setup for both). */
export async function compareEngines(
  sizes: number[],
  stepsFor: (nodes: number) => number,
  dim = 20,
): Promise<EngineComparison[]> {
  const results: EngineComparison[] = [];
  const pool = new ActorPool();
  try {
    for (const nodes of sizes) {
      const steps = stepsFor(nodes);
      const config = resolveConfig(benchScenario(nodes, steps, dim));
      const setup = await buildSetup(config);
      const faulty = resolveConfig({
        ...benchScenario(nodes, steps, dim),
        engine: "actors",
        mode: "async",
        network: { dropProbability: 0.1, latency: { type: "lognormal", mu: -5, sigma: 1 } },
      });
      results.push({
        nodes,
        steps,
        sequential: await rate(config, setup, "sequential", pool),
        actors: await rate(config, setup, "actors", pool),
        actorsAsync: await rate(faulty, setup, "actors", pool),
      });
    }
  } finally {
    pool.close();
  }
  return results;
}

if (import.meta.main) {
  const dimAt = Deno.args.indexOf("--dim");
  const dim = dimAt >= 0 ? Number(Deno.args[dimAt + 1]) : 20;
  const rest = Deno.args.filter((_, k) => dimAt < 0 || (k !== dimAt && k !== dimAt + 1));
  const sizes = rest.length ? rest.map(Number) : [8, 64, 512];
  const budget = 40_000 * 20 / dim;
  console.log(`logistic regression, d = ${dim + 1}, decentralized AMSGrad on a ring`);
  const results = await compareEngines(
    sizes,
    (nodes) => Math.max(10, Math.round(budget / nodes)),
    dim,
  );
  console.log("nodes  steps  sequential node-steps/s  actors sync  actors async  sync/seq");
  for (const r of results) {
    console.log(
      `${String(r.nodes).padStart(5)}  ${String(r.steps).padStart(5)}  ${
        r.sequential.toFixed(0).padStart(23)
      }  ${r.actors.toFixed(0).padStart(11)}  ${r.actorsAsync.toFixed(0).padStart(12)}  ${
        (r.actors / r.sequential).toFixed(2).padStart(8)
      }`,
    );
  }
}
