/**
 * Minibatch gradients of a block of nodes for the neural problem: draws each node's minibatch
 * and dropout seeds from its own `rng` (as one node's `gradient()` does), writes the block's
 * weights, images and labels as float32 straight into the wasm heap (elsewhere into a reused
 * buffer): one float64 → float32 conversion per entry, no copy; runs the stacked program of `_neural_program.ts` and writes each node's gradient
 * into its float64 output (one conversion back, read in place from the wasm heap).
 *
 * Synchronous backends (wasm, cpu) read with `dataSync`; WebGPU reads only asynchronously, so
 * there every block's result is one `[n, 1 + d]` tensor (losses, then gradients), read by one
 * awaited `data()`.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Rng } from "../random.ts";
import type { MinibatchSampler } from "./_minibatch.ts";
import { blockGradients } from "./_neural_program.ts";
import { type DenseData, DenseGradients } from "./_dense_gradients.ts";

/** The training data and the model's layout that the gradients need. */
export interface GradientData extends DenseData {
  /** Number of dropout layers (one seed each per gradient). */
  readonly dropouts: number;
  /** Each node's training rows. */
  readonly parts: readonly ArrayLike<number>[];
  /** Each node's minibatch sampler. */
  readonly samplers: readonly MinibatchSampler[];
  /** Floats per stage output and sample, summed (for the block size bound). */
  readonly activations: number;
  /** Nodes whose minibatches train on flipped labels y → classes − 1 − y (none by default). */
  readonly poisoned?: ReadonlySet<number>;
  /**
   * Whether float32 points of a dense network take gossim's own kernels (`_dense_gradients.ts`)
   * rather than the tfjs program (the wasm backend's choice; float64 points never do).
   */
  readonly direct?: boolean;
}

/** Floats one block may hold (weights, gradients, activations): 2²⁵, 128 MiB. */
const BLOCK_FLOATS = 2 ** 25;

/** One node of a call: where its inputs are and where its outputs go. */
interface Job {
  readonly k: number;
  readonly point: Vector;
  readonly out: Vector;
  readonly rows: Int32Array;
  readonly seeds: number[];
  /** Whether the node is poisoned: its labels y become classes − 1 − y. */
  readonly flipped: boolean;
}

/** The block gradient computations of one neural problem. */
export class NeuralGradients {
  readonly #data: GradientData;
  readonly #dim: number;
  #buffer: Float32Array = new Float32Array(0);
  readonly #dense: DenseGradients | null;

  /** @param data the model's layout and the training data */
  constructor(data: GradientData) {
    this.#data = data;
    this.#dim = data.layers.reduce((sum, layer) => sum + layer.size, 0);
    this.#dense = data.direct ? DenseGradients.of(data) : null;
  }

  /**
   * Checks every input, then draws every node's minibatch rows and dropout seeds, in call
   * order, from its own rng (so a rejected call consumes no draw).
   */
  #jobs(
    nodes: readonly number[],
    points: readonly Vector[],
    outs: readonly Vector[],
    rngs: readonly Rng[],
  ): Job[] {
    const { parts, samplers, dropouts } = this.#data;
    const count = nodes.length;
    if (points.length !== count || outs.length !== count || rngs.length !== count) {
      throw new RangeError(
        `Cannot compute gradients: nodes, points, outs and rngs must have the same length, received ${count}, ${points.length}, ${outs.length} and ${rngs.length}`,
      );
    }
    nodes.forEach((node, k) => {
      if (!(Number.isInteger(node) && node >= 0 && node < parts.length)) {
        throw new RangeError(
          `Cannot compute gradient: node must be an integer in [0, ${
            parts.length - 1
          }], received ${node}`,
        );
      }
      // Two plain checks, not a loop over pairs: this runs for every node at every step.
      if (points[k]?.length !== this.#dim) this.#wrongLength(node, "x", points[k]);
      if (outs[k]?.length !== this.#dim) this.#wrongLength(node, "out", outs[k]);
    });
    return nodes.map((node, k) => {
      const part = parts[node];
      // Plain loops: Int32Array.from with a mapping function cost 4% of a softmax node-step.
      const rows = samplers[node].draw(rngs[k]).slice();
      for (let r = 0; r < rows.length; r++) rows[r] = part[rows[r]];
      const seeds: number[] = [];
      for (let s = 0; s < dropouts; s++) seeds.push(rngs[k].nextUint32());
      const flipped = this.#data.poisoned?.has(node) ?? false;
      return { k, point: points[k], out: outs[k], rows, seeds, flipped };
    });
  }

  #wrongLength(node: number, name: string, array: Vector | undefined): never {
    throw new RangeError(
      `Cannot compute gradient of node ${node}: ${name} must have ${this.#dim} entries, received ${array?.length}`,
    );
  }

  /** The jobs in blocks of equal minibatch size, each small enough for {@linkcode BLOCK_FLOATS}. */
  #blocks(jobs: Job[]): Job[][] {
    const bySize = new Map<number, Job[]>();
    for (const job of jobs) {
      const group = bySize.get(job.rows.length) ?? [];
      group.push(job);
      bySize.set(job.rows.length, group);
    }
    const blocks: Job[][] = [];
    for (const [batch, group] of bySize) {
      const perNode = 3 * this.#dim + 4 * batch * this.#data.activations;
      const count = Math.ceil(group.length / Math.max(1, Math.floor(BLOCK_FLOATS / perNode)));
      const size = Math.ceil(group.length / count);
      for (let start = 0; start < group.length; start += size) {
        blocks.push(group.slice(start, start + size));
      }
    }
    return blocks;
  }

  /**
   * The block's input tensors: written straight into the wasm heap on wasm; elsewhere staged
   * in float32 buffers, reused unless `fresh` (WebGPU may upload them after this returns).
   */
  #stage(block: Job[], fresh: boolean) {
    const { layers, shapes, inputShape, classes, images, labels } = this.#data;
    const n = block.length, batch = block[0].rows.length;
    const size = inputShape.reduce((a, b) => a * b, 1);
    const onWasm = tf.getBackend() === "wasm";
    let used = 0;
    const staging = fresh || onWasm
      ? undefined
      : this.#staging(n * (this.#dim + batch * (size + classes)));
    const tensor = (shape: number[], fill: (values: Float32Array) => void): tf.Tensor => {
      const length = shape.reduce((a, b) => a * b, 1);
      if (onWasm) {
        const backend = tf.backend() as BackendWasm;
        const info = backend.makeOutput(shape, "float32");
        fill(backend.typedArrayFromHeap(info) as Float32Array); // one conversion, no copy
        return tf.engine().makeTensorFromTensorInfo(info, backend);
      }
      const values = staging?.subarray(used, used += length) ?? new Float32Array(length);
      fill(values);
      return tf.tensor(values, shape);
    };
    return {
      nodes: n,
      batch,
      weights: layers.map(({ offset, size }, j) =>
        tensor(
          [n, ...shapes[j]],
          (values) =>
            block.forEach(({ point }, k) =>
              values.set(point.subarray(offset, offset + size), k * size)
            ),
        )
      ),
      input: tensor([n * batch, ...inputShape], (values) =>
        block.forEach(({ rows }, k) => {
          for (let r = 0; r < batch; r++) {
            values.set(
              images.subarray(rows[r] * size, (rows[r] + 1) * size),
              (k * batch + r) * size,
            );
          }
        })),
      labels: tensor([n * batch, classes], (values) => {
        values.fill(0);
        block.forEach(({ rows, flipped }, k) => {
          for (let r = 0; r < batch; r++) {
            const y = flipped ? classes - 1 - labels[rows[r]] : labels[rows[r]];
            values[(k * batch + r) * classes + y] = 1;
          }
        });
      }),
      seeds: block.map((job) => job.seeds),
    };
  }

  /** The reused staging buffer, at least `length` floats. */
  #staging(length: number): Float32Array {
    if (this.#buffer.length < length) this.#buffer = new Float32Array(length);
    return this.#buffer;
  }

  /**
   * Each node's gradient into `outs[k]`, synchronously (wasm, cpu).
   *
   * @returns the minibatch losses, in call order
   */
  run(
    nodes: readonly number[],
    points: readonly Vector[],
    outs: readonly Vector[],
    rngs: readonly Rng[],
  ): number[] {
    const losses = new Array<number>(nodes.length);
    const jobs = this.#jobs(nodes, points, outs, rngs);
    const dense = this.#dense;
    if (
      dense && jobs.every((j) => j.point instanceof Float32Array && j.out instanceof Float32Array)
    ) {
      for (const job of jobs) {
        losses[job.k] = dense.gradient(
          job as typeof job & { point: Float32Array; out: Float32Array },
        );
      }
      return losses;
    }
    for (const block of this.#blocks(jobs)) {
      tf.tidy(() => {
        const result = blockGradients(this.#data.stages, this.#stage(block, false));
        const values = floats(result.losses);
        block.forEach((job, k) => (losses[job.k] = values[k]));
        result.grads.forEach((grad, j) => {
          const { offset, size } = this.#data.layers[j];
          const values = floats(grad);
          block.forEach(({ out }, k) => out.set(values.subarray(k * size, (k + 1) * size), offset));
        });
      });
    }
    return losses;
  }

  /**
   * Each node's gradient into `outs[k]`, every block's program queued before any read is
   * awaited (WebGPU; any backend works).
   *
   * @returns the minibatch losses, in call order
   */
  async runAsync(
    nodes: readonly number[],
    points: readonly Vector[],
    outs: readonly Vector[],
    rngs: readonly Rng[],
  ): Promise<number[]> {
    const blocks = this.#blocks(this.#jobs(nodes, points, outs, rngs));
    const results = blocks.map((block) =>
      tf.tidy(() => {
        const { losses, grads } = blockGradients(this.#data.stages, this.#stage(block, true));
        const n = block.length;
        return tf.concat([
          tf.reshape(losses, [n, 1]),
          ...grads.map((grad) => tf.reshape(grad, [n, -1])),
        ], 1);
      })
    );
    const losses = new Array<number>(nodes.length);
    try {
      const values = await Promise.all(results.map((result) => result.data<"float32">()));
      blocks.forEach((block, b) => {
        const stride = 1 + this.#dim;
        block.forEach(({ k, out }, row) => {
          losses[k] = values[b][row * stride];
          out.set(values[b].subarray(row * stride + 1, (row + 1) * stride));
        });
      });
    } finally {
      tf.dispose(results);
    }
    return losses;
  }
}

/** A float32 tensor's values: a view of the wasm heap on wasm (no copy), else `dataSync()`. */
function floats(tensor: tf.Tensor): Float32Array {
  if (tf.getBackend() === "wasm") {
    return (tf.backend() as BackendWasm).typedArrayFromHeap(tensor) as Float32Array;
  }
  return tensor.dataSync() as Float32Array;
}
