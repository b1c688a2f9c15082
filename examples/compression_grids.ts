// The runs of the compression figure (examples/compression_figure.ts): D-PSGD at full precision
// against CHOCO-SGD with compressed gossip, each one actor-engine run (sync mode) on the same
// seeded problem, graph and bandwidth-limited links, and what each run's metrics rows say:
// accuracy against bytes sent and against virtual time.
import { type MetricsRow, runSimulation } from "../mod.ts";

/** One line of the figure: an algorithm, its step sizes and the encoder on its wire. */
export interface CompressionMethod {
  /** The label of the figure and the table. */
  label: string;
  /** The registry name (`dgd` or `choco-sgd`). */
  algorithm: string;
  /** Its parameters: α, and CHOCO's consensus step γ. */
  params: { alpha: number; gamma?: number };
  /** The run's encoder: a registry name, or `{ name, params }`. */
  encoder: string | { name: string; params: Record<string, number> };
}

/** Options of {@linkcode compressionGrid}. */
export interface CompressionGridOptions {
  /** Nodes N. */
  nodes: number;
  /** The config's `topology`. */
  topology: { type: string };
  /** The config's `problem`. */
  problem: Record<string, unknown>;
  /** Iterations. */
  steps: number;
  /** Evaluate every this many steps. */
  evalEvery: number;
  /** Link bandwidth (bytes per virtual second). */
  bandwidth: number;
  /** One-way link latency (virtual seconds, constant). */
  latency: number;
  /** The methods, one run each. */
  methods: readonly CompressionMethod[];
  /** The seed of every run. */
  seed: number;
}

/** One evaluation of a run. */
export interface CompressionPoint {
  /** Iterations completed. */
  step: number;
  /** Payload bytes sent so far, over all nodes. */
  bytes: number;
  /** Messages sent so far. */
  messages: number;
  /** Virtual time (seconds) at the evaluation. */
  virtualTime: number;
  /** Test accuracy of x̄. */
  accuracy: number | null;
  /** Training loss f(x̄). */
  loss: number | null;
  /** Mean of the nodes' own test accuracies. */
  nodeAccuracy: number | null;
  /** (1/N) Σ_i ‖x_i − x̄‖². */
  consensusDistance: number;
}

/** One method's run. */
export interface CompressionResult {
  /** The method's label. */
  label: string;
  /** The registry name. */
  algorithm: string;
  /** Its parameters. */
  params: { alpha: number; gamma?: number };
  /** The encoder. */
  encoder: CompressionMethod["encoder"];
  /** Bytes of one message (bytes ÷ messages at the last evaluation). */
  bytesPerMessage: number;
  /** Every evaluation, in order. */
  points: CompressionPoint[];
}

/** Where a run first reached an accuracy threshold. */
export interface Reached {
  /** The step of that evaluation. */
  step: number;
  /** Bytes sent by then. */
  bytes: number;
  /** Virtual time by then. */
  virtualTime: number;
}

/** The point of a metrics row (the actor engine's rows carry virtual time). */
function point(row: MetricsRow): CompressionPoint {
  const time = (row as MetricsRow & { virtualTime?: number }).virtualTime;
  return {
    step: row.step,
    bytes: row.bytes,
    messages: row.messages,
    virtualTime: time ?? Number.NaN,
    accuracy: row.accuracy,
    loss: row.loss,
    nodeAccuracy: row.nodeAccuracyMean,
    consensusDistance: row.consensusDistance,
  };
}

/**
 * Runs every method on the same problem, ring and links (actor engine, sync mode, one
 * constant latency and one bandwidth on every link) and keeps each evaluation's bytes,
 * virtual time, accuracy and loss.
 *
 * @param options the grid
 * @returns one result per method, in order
 */
export async function compressionGrid(
  options: CompressionGridOptions,
): Promise<CompressionResult[]> {
  const results: CompressionResult[] = [];
  for (const method of options.methods) {
    const rows: MetricsRow[] = [];
    await runSimulation({
      algorithms: [{ name: method.algorithm, params: method.params }],
      nodes: options.nodes,
      topology: options.topology,
      problem: options.problem,
      steps: options.steps,
      evalEvery: options.evalEvery,
      seed: options.seed,
      engine: "actors",
      mode: "sync",
      network: {
        bandwidth: options.bandwidth,
        latency: { type: "constant", value: options.latency },
      },
      exchange: { encoder: method.encoder },
    }, { onRow: (row) => void rows.push(row) });
    const last = rows.at(-1);
    results.push({
      label: method.label,
      algorithm: method.algorithm,
      params: method.params,
      encoder: method.encoder,
      bytesPerMessage: last && last.messages > 0 ? last.bytes / last.messages : 0,
      points: rows.map(point),
    });
  }
  return results;
}

/**
 * The first evaluation at which a run's test accuracy reached `threshold`.
 *
 * @param result the run
 * @param threshold the accuracy, in [0, 1]
 * @returns its step, bytes and virtual time, or null if it never did
 */
export function reached(result: CompressionResult, threshold: number): Reached | null {
  const hit = result.points.find((p) => p.accuracy !== null && p.accuracy >= threshold);
  return hit ? { step: hit.step, bytes: hit.bytes, virtualTime: hit.virtualTime } : null;
}
