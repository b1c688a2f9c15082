/**
 * The scale bench: wall time per simulated step, per node-step, setup time and peak memory
 * for N = 100 … 100,000 nodes, ring and Erdős–Rényi (average degree ~10), the quadratic
 * problem (d = 10) and softmax regression on MNIST (d = 7,850) where memory allows, on both
 * engines (the actor engine in async mode with 10% drops and three 5× stragglers). Each point
 * runs in a process of its own, so its peak memory is its own; the growth exponent of the time
 * per simulated step is fitted by least squares on log–log axes.
 *
 *   deno run --allow-read --allow-write --allow-run --unstable-worker-options bench/scale.ts
 *     [--max N] [--plot FILE.svg]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { plotMetrics } from "../metrics/plot.ts";

/** One measured point. */
export interface ScalePoint {
  /** Series: problem, topology and engine. */
  series: string;
  /** Nodes. */
  nodes: number;
  /** Steps run. */
  steps: number;
  /** Setup time (data, graph, W, its spectrum, Workers), ms. */
  setupMs: number;
  /** Wall time per simulated step, ms. */
  msPerStep: number;
  /** Wall time per node-step, µs. */
  usPerNodeStep: number;
  /** Peak resident memory, bytes. */
  peakRssBytes: number;
  /** Peak memory per node, bytes. */
  bytesPerNode: number;
}

/** A series of the bench: its config for `nodes` nodes, and the largest N it runs at. */
interface Series {
  name: string;
  maxNodes: number;
  config: (nodes: number) => Record<string, unknown>;
}

const faults = {
  mode: "async",
  network: { dropProbability: 0.1, stragglers: { nodes: [1, 2, 3], slowdown: 5 } },
};

function series(
  problem: "quadratic" | "softmax",
  topology: "ring" | "erdos-renyi",
  engine: "sequential" | "actors",
  maxNodes: number,
): Series {
  return {
    name: `${problem}, ${topology}, ${engine}`,
    maxNodes,
    config: (nodes) => ({
      nodes,
      topology: topology === "ring" ? { type: "ring" } : { type: topology, p: 10 / nodes },
      problem: problem === "quadratic" ? { type: "quadratic", dim: 10 } : {
        type: "neural",
        model: "softmax",
        trainSamples: Math.min(60_000, 5 * nodes),
        testSamples: 200,
        evalSamples: 500,
        batchSize: 5,
      },
      algorithms: ["dgd"],
      engine,
      ...(engine === "actors" ? faults : {}),
    }),
  };
}

/** Steps at N nodes: about 2·10⁶ node-steps for the quadratic, 10⁵ for softmax, 2 … max. */
function stepsFor(nodes: number, softmax: boolean, max: number): number {
  return Math.max(2, Math.min(max, Math.round((softmax ? 1e5 : 2e6) / nodes)));
}

/** Runs one point in its own process. */
export async function measure(
  config: Record<string, unknown>,
  steps: number,
): Promise<Omit<ScalePoint, "series" | "nodes">> {
  const full = { ...config, steps, evalEvery: steps };
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--unstable-worker-options",
      new URL("./_scale_run.ts", import.meta.url).pathname,
      JSON.stringify(full),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1) ?? "";
  if (!output.success) {
    throw new Error(
      `Cannot measure ${JSON.stringify(full)}: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const { setupMs, runMs, peakRssBytes } = JSON.parse(text);
  const nodes = config.nodes as number;
  return {
    steps,
    setupMs,
    msPerStep: runMs / steps,
    usPerNodeStep: (1000 * runMs) / (steps * nodes),
    peakRssBytes,
    bytesPerNode: peakRssBytes / nodes,
  };
}

/** The least-squares slope of log y against log x: y grows like x^slope. */
export function growthExponent(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0, den = 0;
  for (let k = 0; k < lx.length; k++) {
    num += (lx[k] - mx) * (ly[k] - my);
    den += (lx[k] - mx) ** 2;
  }
  return num / den;
}

/** Runs the bench up to `maxNodes` nodes (at `sizes`), at most `maxSteps` steps a point. */
export async function scaleBench(
  maxNodes: number,
  sizes = [100, 1_000, 10_000, 100_000],
  maxSteps = 100,
): Promise<ScalePoint[]> {
  const all: Series[] = [
    series("quadratic", "ring", "sequential", 100_000),
    series("quadratic", "ring", "actors", 100_000),
    series("quadratic", "erdos-renyi", "actors", 100_000),
    series("softmax", "ring", "sequential", 10_000),
    series("softmax", "ring", "actors", 10_000),
  ];
  const points: ScalePoint[] = [];
  for (const s of all) {
    for (const nodes of sizes.filter((n) => n <= Math.min(maxNodes, s.maxNodes))) {
      const softmax = s.name.startsWith("softmax");
      const point = await measure(s.config(nodes), stepsFor(nodes, softmax, maxSteps));
      points.push({ series: s.name, nodes, ...point });
      console.error(`  ${s.name}, N = ${nodes}: ${point.msPerStep.toFixed(1)} ms/step`);
    }
  }
  return points;
}

if (import.meta.main) {
  const flags = parseArgs({
    args: Deno.args,
    options: { max: { type: "string", default: "100000" }, plot: { type: "string" } },
  }).values;
  const points = await scaleBench(Number(flags.max));
  console.log(
    "series                            N  steps  setup s  ms/step  µs/node-step  peak MB  kB/node",
  );
  for (const p of points) {
    console.log(
      `${p.series.padEnd(30)} ${String(p.nodes).padStart(6)} ${String(p.steps).padStart(6)} ${
        (p.setupMs / 1000).toFixed(1).padStart(8)
      } ${p.msPerStep.toFixed(1).padStart(8)} ${p.usPerNodeStep.toFixed(1).padStart(13)} ${
        (p.peakRssBytes / 2 ** 20).toFixed(0).padStart(8)
      } ${(p.bytesPerNode / 1024).toFixed(1).padStart(8)}`,
    );
  }
  for (const name of new Set(points.map((p) => p.series))) {
    const mine = points.filter((p) => p.series === name && p.nodes >= 1_000);
    if (mine.length < 2) continue;
    const exponent = growthExponent(mine.map((p) => p.nodes), mine.map((p) => p.msPerStep));
    console.log(`${name}: time per simulated step grows like N^${exponent.toFixed(2)} (N ≥ 1,000)`);
  }
  if (flags.plot) {
    const rows = points.map((p) => ({
      algorithm: p.series,
      step: p.nodes,
      msPerStep: p.msPerStep,
    }));
    const svg = await plotMetrics(rows, {
      x: "step",
      xTitle: "nodes N",
      logX: true,
      y: "msPerStep",
      yTitle: "wall ms per simulated step",
      logY: true,
      title: "gossim at scale: wall time per simulated step",
    });
    await Deno.writeTextFile(flags.plot, svg!);
  }
}
