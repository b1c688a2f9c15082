/**
 * gossim against the strongest NumPy script a researcher would write (bench/numpy_baseline.py,
 * issue 22): decentralized AMSGrad on a ring (W = 1/3), minibatch 32 per node, MNIST (10,000
 * training images split iid), softmax regression and the seed-003 MLP at N = 16 and 64. Each
 * round runs NumPy, then gossim's sequential engine, then its actor engine on the same sizes
 * and step counts (A B C A B C …, so a noisy machine hits all three alike); the table gives the
 * median node-steps per second over the rounds and the ratios gossim / NumPy. gossim's runs
 * are bench/models_bench.ts's (setup, Workers and warm-up untimed); NumPy's time covers its
 * step loop only, after two warm-up steps, with OpenBLAS choosing its own kernel
 * (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in its process only). Where python3 or NumPy
 * is missing it says so and exits 0.
 *
 *   deno run --allow-read --allow-run=python3 --unstable-worker-options bench/numpy_compare.ts \
 *     [--rounds 3] [--steps 1000] [--mlp-steps 40] [--models softmax,mlp] [--nodes 16,64] \
 *     [--numpy-threads T]   (OpenBLAS threads; default OpenBLAS's own: every core)
 *     [--precision float64,float32]   (gossim's precisions, each run every round)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ActorPool } from "../actors/supervisor.ts";
import { mnistDataDir } from "../problems/idx.ts";
import { measureModel } from "./models_bench.ts";
import type { Precision } from "../vector.ts";

const SCRIPT = fileURLToPath(new URL("./numpy_baseline.py", import.meta.url));

/** gossim's runs in one precision: node-steps per second, one per round. */
export interface GossimRuns {
  /** The precision of the runs' state. */
  precision: Precision;
  /** gossim's sequential engine. */
  sequential: number[];
  /** gossim's actor engine (sync, no faults). */
  actors: number[];
}

/** One model and N, every round's node-steps per second of NumPy and of gossim. */
export interface NumpyComparison {
  /** softmax or mlp. */
  model: string;
  /** Nodes. */
  nodes: number;
  /** Iterations per run. */
  steps: number;
  /** NumPy's node-steps/s, one per round. */
  numpy: number[];
  /** gossim's runs, one entry per precision (each round runs every precision). */
  gossim: GossimRuns[];
  /** The BLAS NumPy ran on (name, kernel, threads), as the script reports it. */
  blas: string;
}

/**
 * Why the NumPy baseline cannot run here (python3 missing, or NumPy not importable), or null.
 *
 * @returns the reason, or null when `python3 -c "import numpy"` succeeds
 */
export async function numpyMissing(): Promise<string | null> {
  try {
    const { success, stderr } = await new Deno.Command("python3", {
      args: ["-c", "import numpy"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (success) return null;
    const why = new TextDecoder().decode(stderr).trim().split("\n").pop();
    return `python3 cannot import numpy (${why})`;
  } catch (error) {
    return `python3 cannot be run (${(error as Error).message})`;
  }
}

/** The script's JSON line for one run (MNIST from the files gossim reads). */
async function numpyRun(model: string, nodes: number, steps: number, seed: number, threads = 0) {
  const args = [SCRIPT, "--model", model, "--nodes", String(nodes), "--steps", String(steps)];
  args.push("--warmup", "2", "--train", String(Math.max(nodes, 10_000)), "--seed", String(seed));
  args.push("--data", fileURLToPath(mnistDataDir()), "--native-blas");
  if (threads > 0) args.push("--threads", String(threads));
  const { success, stdout, stderr } = await new Deno.Command("python3", { args }).output();
  const text = new TextDecoder();
  if (!success) {
    throw new Error(`Cannot run ${SCRIPT}: ${text.decode(stderr).trim()}`);
  }
  const line = text.decode(stdout).trim().split("\n").pop()!;
  const result = JSON.parse(line);
  if (!result.finite) throw new Error(`${SCRIPT} diverged: ${line}`);
  return result as {
    node_steps_per_s: number;
    blas: { name: string; core?: string; threads?: number };
  };
}

/**
 * Runs NumPy, gossim sequential and gossim actors in turn, `rounds` times, for every model and
 * N.
 *
 * @param models model names (softmax, mlp)
 * @param sizes node counts (at least 3: a ring)
 * @param stepsFor iterations per run for a model
 * @param rounds how many A B C rounds
 * @param numpyThreads OpenBLAS's threads in NumPy's runs (0: OpenBLAS's default, every core)
 * @returns every round's rates
 */
export async function compareWithNumpy(
  models: readonly string[],
  sizes: readonly number[],
  stepsFor: (model: string) => number,
  rounds: number,
  numpyThreads = 0,
  precisions: readonly Precision[] = ["float64"],
): Promise<NumpyComparison[]> {
  const pool = new ActorPool();
  const rows: NumpyComparison[] = [];
  try {
    for (const model of models) {
      for (const nodes of sizes) {
        const steps = stepsFor(model);
        const row: NumpyComparison = {
          model,
          nodes,
          steps,
          numpy: [],
          gossim: precisions.map((precision) => ({ precision, sequential: [], actors: [] })),
          blas: "",
        };
        for (let round = 0; round < rounds; round++) {
          const numpy = await numpyRun(model, nodes, steps, round, numpyThreads);
          row.numpy.push(numpy.node_steps_per_s);
          const { name, core, threads } = numpy.blas;
          row.blas = `${name}, kernel ${core ?? "?"}, threads: ${threads ?? "?"}`;
          for (const runs of row.gossim) {
            const rate = await measureModel(model, nodes, "wasm", steps, pool, runs.precision);
            runs.sequential.push(rate.sequential!);
            runs.actors.push(rate.actors);
          }
        }
        rows.push(row);
      }
    }
  } finally {
    pool.close();
  }
  return rows;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The table: median node-steps/s of each run and gossim / NumPy, with every round's figures. */
export function formatComparison(rows: readonly NumpyComparison[]): string {
  const n = (v: number) => v.toFixed(0).padStart(8);
  const lines = [
    "model     N  steps  gossim      NumPy  sequential    actors  seq/NumPy  actors/NumPy",
  ];
  for (const r of rows) {
    const a = median(r.numpy);
    for (const { precision, sequential, actors } of r.gossim) {
      const [b, c] = [median(sequential), median(actors)];
      lines.push(
        `${r.model.padEnd(8)}${String(r.nodes).padStart(3)}${String(r.steps).padStart(7)}  ${
          precision.padEnd(8)
        }  ${n(a)}    ${n(b)}  ${n(c)}  ${(b / a).toFixed(2).padStart(9)}  ${
          (c / a).toFixed(2).padStart(12)
        }`,
      );
    }
  }
  lines.push("", "every round (NumPy / sequential / actors):");
  for (const r of rows) {
    for (const { precision, sequential, actors } of r.gossim) {
      const rounds = r.numpy.map((v, k) =>
        `${v.toFixed(0)}/${sequential[k].toFixed(0)}/${actors[k].toFixed(0)}`
      );
      lines.push(`  ${r.model} N=${r.nodes} ${precision}: ${rounds.join("  ")}`);
    }
  }
  if (rows[0]) lines.push(`NumPy's BLAS: ${rows[0].blas}`);
  return lines.join("\n");
}

if (import.meta.main) {
  const flags = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "3" },
      steps: { type: "string", default: "1000" },
      "mlp-steps": { type: "string", default: "40" },
      models: { type: "string", default: "softmax,mlp" },
      nodes: { type: "string", default: "16,64" },
      "numpy-threads": { type: "string", default: "0" },
      precision: { type: "string", default: "float64,float32" },
    },
  }).values;
  const missing = await numpyMissing();
  if (missing) {
    console.log(`skipped: ${missing}; the NumPy baseline needs python3 with numpy`);
    Deno.exit(0);
  }
  const steps = (model: string) => Number(model === "mlp" ? flags["mlp-steps"] : flags.steps);
  const rows = await compareWithNumpy(
    flags.models.split(","),
    flags.nodes.split(",").map(Number),
    steps,
    Number(flags.rounds),
    Number(flags["numpy-threads"]),
    flags.precision.split(",") as Precision[],
  );
  console.log(
    "decentralized AMSGrad, ring W = 1/3, batch 32, MNIST; node-steps/s, median over rounds",
  );
  console.log(formatComparison(rows));
}
