/**
 * Node-steps per second of the sequential and actor engines on the same run, side by side
 * (one process, same machine state, so the ratio is meaningful on a noisy machine).
 *
 *   deno run --allow-read --unstable-worker-options bench/compare_engines.ts [N …]
 *
 * @module
 */
import { runSimulation } from "../simulation.ts";

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
export function benchScenario(nodes: number, steps: number): Record<string, unknown> {
  return {
    algorithms: ["decentralized-amsgrad"],
    nodes,
    topology: { type: "ring" },
    problem: { type: "logistic", dim: 20, samplesPerNode: 50, testSamples: 200, batchSize: 10 },
    steps,
    evalEvery: steps,
  };
}

async function rate(config: Record<string, unknown>, nodeSteps: number): Promise<number> {
  const start = performance.now();
  await runSimulation(config);
  return nodeSteps / ((performance.now() - start) / 1000);
}

/** Measures both engines for each node count. */
export async function compareEngines(
  sizes: number[],
  stepsFor: (nodes: number) => number,
): Promise<EngineComparison[]> {
  const results: EngineComparison[] = [];
  for (const nodes of sizes) {
    const steps = stepsFor(nodes);
    const base = benchScenario(nodes, steps);
    results.push({
      nodes,
      steps,
      sequential: await rate(base, nodes * steps),
      actors: await rate({ ...base, engine: "actors" }, nodes * steps),
      actorsAsync: await rate({
        ...base,
        engine: "actors",
        mode: "async",
        network: { dropProbability: 0.1, latency: { type: "lognormal", mu: -5, sigma: 1 } },
      }, nodes * steps),
    });
  }
  return results;
}

if (import.meta.main) {
  const sizes = Deno.args.length ? Deno.args.map(Number) : [8, 64, 512];
  const results = await compareEngines(sizes, (nodes) => Math.max(20, Math.round(8000 / nodes)));
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
