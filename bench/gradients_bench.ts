/**
 * Node-gradient steps per second, one `gradient()` per node against one `gradientBatch()` per
 * block, per model, block size N and tfjs backend; and the MLP gradient step's GFLOPS as a
 * fraction of a plain 2-D matMul's, measured in the same run.
 *
 *   deno run --allow-read bench/gradients_bench.ts            # wasm, cpu, webgpu if an adapter
 *   deno run --allow-read bench/gradients_bench.ts --gpu      # wasm vs webgpu, MLP and CNN, N = 16, 64, 256
 *   deno run --allow-read bench/gradients_bench.ts --backends wasm --models mlp --nodes 16 --budget 500
 *
 * WebGPU has no synchronous `gradient()`: its per-node column awaits `gradientBatch([node])`.
 * A cell whose first call takes more than 20 s is measured once. By default the cpu backend's
 * CNN (seconds per node-step) and, on a software WebGPU adapter, N > 16 are left out; name
 * `--models` or `--nodes` to measure them.
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import type { ModelName } from "../problems/models.ts";
import { type BackendName, findWebGpuAdapter, initBackend } from "../problems/tfjs_backend.ts";
import { Rng } from "../random.ts";

/** One cell of the table. */
export interface GradientRate {
  /** The model. */
  readonly model: ModelName;
  /** The tfjs backend. */
  readonly backend: BackendName;
  /** Block size N. */
  readonly nodes: number;
  /** Node-gradient steps per second, one call per node. */
  readonly perNode: number;
  /** Node-gradient steps per second, one `gradientBatch` call per block. */
  readonly batched: number;
}

/** What {@linkcode measureGradients} measures. */
export interface GradientBenchOptions {
  /** The models. */
  readonly models: readonly ModelName[];
  /** The backends. */
  readonly backends: readonly BackendName[];
  /** The block sizes N. */
  readonly nodes: readonly number[];
  /** Milliseconds spent measuring each cell (after one warm-up call of each way). */
  readonly budgetMs?: number;
  /** Minibatch size. Default 32. */
  readonly batchSize?: number;
  /** Cells of the cross product left out. */
  readonly skip?: (model: ModelName, backend: BackendName, nodes: number) => boolean;
}

/** A cell's first call longer than this is measured only once. */
const SLOW_MS = 20_000;

/** A problem of `nodes` nodes, each at its own point, with its own gradient stream. */
async function setUp(model: ModelName, backend: BackendName, nodes: number, batchSize: number) {
  const problem = await neuralProblem({
    model,
    backend,
    nodes,
    seed: 0,
    batchSize,
    trainSamples: Math.min(60_000, Math.max(2_000, nodes * 2 * batchSize)),
    testSamples: 10,
    evalSamples: 10,
  });
  const points = Array.from(
    { length: nodes },
    (_, node) => problem.initialParams().map((v, k) => v + 0.01 * Math.sin(node + k)),
  );
  const outs = points.map(() => new Float64Array(problem.dim));
  const rngs = points.map((_, node) => new Rng(0, `bench/${node}`));
  const all = points.map((_, node) => node);
  return {
    problem,
    perNode: async () => {
      for (const node of all) {
        if (problem.asynchronous) {
          await problem.gradientBatch!([node], [points[node]], [outs[node]], [rngs[node]]);
        } else problem.gradient(node, points[node], outs[node], rngs[node]);
      }
    },
    batched: async () => void await problem.gradientBatch!(all, points, outs, rngs),
  };
}

/** Milliseconds one call takes. */
async function timed(call: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

/**
 * The fastest call of each of `calls` within `budget` ms, alternated so that a change in the
 * machine's load hits all alike, after one warm-up call each (the only call when that took
 * more than {@linkcode SLOW_MS}).
 */
async function fastest(calls: (() => Promise<void>)[], budget: number): Promise<number[]> {
  const best: number[] = [];
  for (const call of calls) best.push(await timed(call));
  if (best.some((ms) => ms > SLOW_MS)) return best;
  best.fill(Infinity);
  const start = performance.now();
  do {
    for (const [i, call] of calls.entries()) best[i] = Math.min(best[i], await timed(call));
  } while (performance.now() - start < budget);
  return best;
}

/**
 * Node-gradient steps per second, per node and batched, for every model, backend and N.
 *
 * @param options what to measure
 * @returns one row per model, backend and N
 */
export async function measureGradients(options: GradientBenchOptions): Promise<GradientRate[]> {
  const budget = options.budgetMs ?? 1_000, batchSize = options.batchSize ?? 32;
  const rates: GradientRate[] = [];
  for (const backend of options.backends) {
    for (const model of options.models) {
      for (const nodes of options.nodes) {
        if (options.skip?.(model, backend, nodes)) continue;
        const cell = await setUp(model, backend, nodes, batchSize);
        try {
          const [perNode, batched] = await fastest([cell.perNode, cell.batched], budget);
          rates.push({
            model,
            backend,
            nodes,
            perNode: nodes / (perNode / 1000),
            batched: nodes / (batched / 1000),
          });
        } finally {
          cell.problem.dispose();
        }
      }
    }
  }
  await initBackend("wasm");
  return rates;
}

/** FLOPs of one MLP gradient step (batch B): forward, kernel gradients, the hidden layer's. */
export function mlpGradientFlops(batch: number): number {
  return 2 * batch * (2 * 784 * 200 + 3 * 200 * 10);
}

/** The MLP's gradient GFLOPS against a plain 2-D matMul's, on wasm. */
export interface GflopsReport {
  /** A plain [B, 784]·[784, 200] matMul, GFLOPS. */
  readonly matmulGflops: number;
  /** One `gradient()` step, ms. */
  readonly stepMs: number;
  /** Its GFLOPS as a fraction of the matMul's. */
  readonly stepFraction: number;
  /** Block size of the batched measure. */
  readonly blockNodes: number;
  /** One node's share of a `gradientBatch()` block, ms. */
  readonly blockStepMs: number;
  /** Its GFLOPS as a fraction of the matMul's. */
  readonly blockFraction: number;
}

/**
 * The MLP gradient's GFLOPS on wasm as a fraction of a plain 2-D matMul's (its first layer's
 * forward product, weights reused), single steps and per node of a `blockNodes` block.
 */
export async function mlpGflops(budgetMs = 1_000, blockNodes = 64): Promise<GflopsReport> {
  await initBackend("wasm");
  const batch = 32;
  const [a, w] = [tf.randomNormal([batch, 784]), tf.randomNormal([784, 200])];
  const [matmulMs] = await fastest([() => {
    for (let i = 0; i < 10; i++) tf.matMul(a, w).dispose();
    return Promise.resolve();
  }], budgetMs);
  tf.dispose([a, w]);
  const matmulGflops = 10 * 2 * batch * 784 * 200 / matmulMs / 1e6;
  const single = await setUp("mlp", "wasm", 1, batch);
  const [stepMs] = await fastest([single.perNode], budgetMs);
  single.problem.dispose();
  const block = await setUp("mlp", "wasm", blockNodes, batch);
  const blockStepMs = (await fastest([block.batched], budgetMs))[0] / blockNodes;
  block.problem.dispose();
  const fraction = (ms: number) => mlpGradientFlops(batch) / ms / 1e6 / matmulGflops;
  return {
    matmulGflops,
    stepMs,
    stepFraction: fraction(stepMs),
    blockNodes,
    blockStepMs,
    blockFraction: fraction(blockStepMs),
  };
}

/** Prints the rates as a table. */
function printRates(rates: readonly GradientRate[]): void {
  console.log("node-gradient steps/s (batch 32): per-node calls → gradientBatch");
  console.log("model    backend     N   per-node    batched  speed-up");
  for (const r of rates) {
    console.log(
      `${r.model.padEnd(8)} ${r.backend.padEnd(7)} ${String(r.nodes).padStart(4)} ${
        r.perNode.toFixed(1).padStart(10)
      } ${r.batched.toFixed(1).padStart(10)} ${(r.batched / r.perNode).toFixed(2).padStart(8)}×`,
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      gpu: { type: "boolean" },
      backends: { type: "string" },
      models: { type: "string" },
      nodes: { type: "string" },
      budget: { type: "string" },
    },
  });
  const adapter = await findWebGpuAdapter();
  const list = <T extends string>(value: string | undefined, fallback: T[]) =>
    (value?.split(",") as T[] | undefined) ?? fallback;
  if (values.gpu) {
    if (adapter === undefined) {
      console.error("Cannot compare wasm and webgpu: no WebGPU adapter here, received none");
      Deno.exit(2);
    }
    console.log(`WebGPU adapter: ${adapter.description}${adapter.software ? " (software)" : ""}`);
  }
  const backends = list<BackendName>(
    values.backends,
    values.gpu ? ["wasm", "webgpu"] : ["wasm", "cpu", ...(adapter ? ["webgpu" as const] : [])],
  );
  const software = adapter?.software ?? false;
  const rates = await measureGradients({
    models: list<ModelName>(values.models, values.gpu ? ["mlp", "cnn"] : ["softmax", "mlp", "cnn"]),
    backends,
    nodes: list(values.nodes, values.gpu ? ["16", "64", "256"] : ["16", "64"]).map(Number),
    budgetMs: Number(values.budget ?? 2_000),
    // Unless asked for: cpu's CNN (seconds per node-step) and a software adapter's N > 16.
    skip: values.models || values.nodes
      ? undefined
      : (model, backend, nodes) =>
        (backend === "cpu" && model === "cnn") || (backend === "webgpu" && software && nodes > 16),
  });
  printRates(rates);
  if (values.gpu) {
    console.log("\nbatched node-gradient steps/s: wasm → webgpu");
    for (const r of rates.filter((rate) => rate.backend === "webgpu")) {
      const wasm = rates.find((w) =>
        w.backend === "wasm" && w.model === r.model && w.nodes === r.nodes
      );
      if (wasm === undefined) continue;
      console.log(
        `${r.model.padEnd(8)} N = ${String(r.nodes).padEnd(4)} ${
          wasm.batched.toFixed(1).padStart(9)
        } → ${r.batched.toFixed(1).padStart(9)}  (${(r.batched / wasm.batched).toFixed(2)}×)`,
      );
    }
  } else {
    const g = await mlpGflops();
    console.log(
      `\nMLP gradient on wasm vs a plain [32,784]·[784,200] matMul (${
        g.matmulGflops.toFixed(1)
      } GFLOPS):\n  one gradient() step ${g.stepMs.toFixed(2)} ms = ${
        (100 * g.stepFraction).toFixed(0)
      }%; per node of a ${g.blockNodes}-node gradientBatch ${g.blockStepMs.toFixed(2)} ms = ${
        (100 * g.blockFraction).toFixed(0)
      }%`,
    );
  }
}
