/**
 * End-to-end node-steps per second of the neural models — the table issue 11 compares with a
 * vectorised NumPy script: decentralized AMSGrad on a ring (W = 1/3), minibatch 32 per node,
 * MNIST, softmax regression / the seed-003 MLP / the small CNN, N = 16 and 64, both engines,
 * per backend, side by side in one process. Setup (data, W, the actor engine's Workers, started
 * by a one-step warm-up on a pool, and the first steps' JIT warm-up) is not timed.
 *
 *   deno run --allow-read --unstable-worker-options bench/models_bench.ts [--steps S] [--webgpu]
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Precision } from "../vector.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { actorRunOptions, buildSetup } from "../simulation/mod.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActors } from "../actors/engine.ts";
import { ActorPool } from "../actors/supervisor.ts";

/** One measured cell. */
export interface ModelRate {
  /** softmax, mlp or small-cnn. */
  model: string;
  /** Nodes. */
  nodes: number;
  /** Tensor backend. */
  backend: string;
  /** Node-steps per second, sequential engine (null: not run, e.g. webgpu). */
  sequential: number | null;
  /** Node-steps per second, actor engine (sync, no faults). */
  actors: number;
}

function scenario(
  model: string,
  nodes: number,
  backend: string,
  steps: number,
  precision: Precision,
) {
  return {
    nodes,
    topology: { type: "ring" },
    mixing: { rule: "uniform" },
    problem: {
      type: "neural",
      model,
      batchSize: 32,
      trainSamples: Math.max(nodes, 10_000),
      testSamples: 100,
      evalSamples: 100,
      precision,
    },
    algorithms: ["decentralized-amsgrad"],
    steps,
    evalEvery: steps,
    engine: "actors",
    backend,
  };
}

/** Node-steps per second of both engines for one model, N and backend. */
export async function measureModel(
  model: string,
  nodes: number,
  backend: string,
  steps: number,
  pool: ActorPool,
  precision: Precision = "float64",
): Promise<ModelRate> {
  const config = resolveConfig(scenario(model, nodes, backend, steps, precision));
  const setup = await buildSetup(config);
  const { name, params } = config.algorithms[0];
  let sequential: number | null = null;
  if (backend !== "webgpu") {
    const algorithm = createAlgorithm(name, params) as DecentralizedAlgorithm;
    const run = (s: number) =>
      runDecentralized({ ...setup, algorithm, steps: s, seed: 0, evalEvery: s });
    run(2); // warm-up: JIT and the kernels' first calls
    const start = performance.now();
    run(steps);
    sequential = (nodes * steps) / ((performance.now() - start) / 1000);
  }
  const options = { ...actorRunOptions(config, setup, { name, params }, 0), pool };
  await runActors({ ...options, steps: 2, evalEvery: 2 });
  const start = performance.now();
  await runActors(options);
  const actors = (nodes * steps) / ((performance.now() - start) / 1000);
  setup.problem.dispose?.();
  return { model, nodes, backend, sequential, actors };
}

/** Runs the table: every model at every N for every backend. */
export async function modelsBench(
  models: readonly string[],
  sizes: readonly number[],
  backends: readonly string[],
  steps: number,
): Promise<ModelRate[]> {
  const pool = new ActorPool();
  const rates: ModelRate[] = [];
  try {
    for (const backend of backends) {
      for (const model of models) {
        for (const nodes of sizes) {
          const s = model === "small-cnn" ? Math.max(2, Math.round(steps / 4)) : steps;
          rates.push(await measureModel(model, nodes, backend, s, pool));
        }
      }
    }
  } finally {
    pool.close();
  }
  return rates;
}

if (import.meta.main) {
  const flags = parseArgs({
    args: Deno.args,
    options: { steps: { type: "string", default: "20" }, webgpu: { type: "boolean" } },
  }).values;
  const backends = flags.webgpu ? ["wasm", "webgpu"] : ["wasm"];
  const rates = await modelsBench(
    ["softmax", "mlp", "small-cnn"],
    [16, 64],
    backends,
    Number(flags.steps),
  );
  console.log("model       N   backend  sequential node-steps/s  actors node-steps/s  actors/seq");
  for (const r of rates) {
    console.log(
      `${r.model.padEnd(10)} ${String(r.nodes).padStart(3)}  ${r.backend.padEnd(7)} ${
        (r.sequential?.toFixed(0) ?? "—").padStart(23)
      } ${r.actors.toFixed(0).padStart(20)} ${
        (r.sequential ? (r.actors / r.sequential).toFixed(2) : "—").padStart(11)
      }`,
    );
  }
}
