/**
 * The tfjs-layers model behind a neural problem: its variables as slices of the flat
 * parameter vector, and the batched loss and gradient computations on them.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerSpec } from "./problem.ts";
import { buildModel, modelInputShape, type ModelName } from "./models.ts";

/** Digits 0–9. */
export const CLASSES = 10;

/** The model, its variables, and the batched computations on them. */
export class NeuralModel {
  readonly model: tfl.Sequential;
  readonly variables: tf.Variable[];
  readonly layers: readonly LayerSpec[];
  readonly dim: number;
  readonly dropouts: number;
  /** Floats of all layers' outputs for one sample. */
  readonly activations: number;
  readonly #inputShape: number[];

  constructor(name: ModelName) {
    this.model = buildModel(name) as tfl.Sequential;
    this.#inputShape = modelInputShape(name);
    this.variables = this.model.getWeights() as tf.Variable[];
    const names = this.model.layers.flatMap((layer) =>
      layer.getWeights().map((_, k) => `${layer.name}/${k === 0 ? "kernel" : "bias"}`)
    );
    let offset = 0;
    this.layers = Object.freeze(this.variables.map((v, j) => {
      const spec = { name: names[j], offset, size: v.size };
      offset += v.size;
      return Object.freeze(spec);
    }));
    this.dim = offset;
    this.dropouts = this.model.layers.filter((l) => l.getClassName() === "Dropout").length;
    this.activations = this.model.layers.reduce(
      (sum, layer) => sum + tf.util.sizeFromShape((layer.outputShape as number[]).slice(1)),
      0,
    );
  }

  /** Copies the flat parameters into the model's variables. */
  setWeights(x: Vector): void {
    if (x.length !== this.dim) {
      throw new RangeError(
        `Cannot evaluate neural problem: x must have ${this.dim} entries, received ${x.length}`,
      );
    }
    tf.tidy(() => {
      this.variables.forEach((v, j) => {
        const { offset, size } = this.layers[j];
        v.assign(tf.tensor(Float32Array.from(x.subarray(offset, offset + size)), v.shape));
      });
    });
  }

  /** The variables' current values as flat parameters. */
  getWeights(): Float64Array {
    const x = new Float64Array(this.dim);
    this.variables.forEach((v, j) => x.set(v.dataSync(), this.layers[j].offset));
    return x;
  }

  /** A batch of images as the model's input tensor. */
  input(images: Float32Array, rows: ArrayLike<number>, size: number): tf.Tensor {
    const batch = new Float32Array(rows.length * size);
    for (let r = 0; r < rows.length; r++) {
      batch.set(images.subarray(rows[r] * size, (rows[r] + 1) * size), r * size);
    }
    return tf.tensor(batch, [rows.length, ...this.#inputShape]);
  }

  /**
   * The fraction of `rows` whose label the current weights predict, each row counted with its
   * weight (weights summing to 1), or equally without weights; computed in chunks of `chunk`.
   */
  accuracy(
    data: { images: Float32Array; labels: Uint8Array; size: number },
    rows: Int32Array,
    weights: Float32Array | null,
    chunk: number,
  ): number {
    let correct = 0;
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.subarray(start, start + chunk);
      const predicted = tf.tidy(() =>
        tf.argMax(this.logits(this.input(data.images, part, data.size)), 1).dataSync()
      );
      for (let r = 0; r < part.length; r++) {
        if (predicted[r] === data.labels[part[r]]) correct += weights ? weights[start + r] : 1;
      }
    }
    return weights ? correct : correct / rows.length;
  }

  /** The logits; dropout is applied (seeded by `seeds`, one per dropout layer) when given. */
  logits(input: tf.Tensor, seeds?: readonly number[]): tf.Tensor {
    let h = input;
    let dropout = 0;
    for (const layer of this.model.layers) {
      if (layer.getClassName() === "Dropout") {
        const rate = layer.getConfig().rate as number;
        if (seeds !== undefined) h = tf.dropout(h, rate, undefined, seeds[dropout++]);
      } else {
        h = layer.apply(h) as tf.Tensor;
      }
    }
    return h;
  }

  /**
   * The loss Σ_s w_s ℓ_s (or the mean when `weights` is undefined) on the given rows; its
   * gradient is written into (or, with `accumulate`, added to) `out`.
   */
  lossAndGradient(
    batch: { input: tf.Tensor; labels: tf.Tensor; weights?: tf.Tensor; seeds?: number[] },
    out: Vector,
    accumulate: boolean,
  ): number {
    const { value, grads } = tf.variableGrads(() => this.#loss(batch), this.variables);
    this.variables.forEach((v, j) => {
      const g = grads[v.name].dataSync();
      const offset = this.layers[j].offset;
      if (accumulate) { for (let k = 0; k < g.length; k++) out[offset + k] += g[k]; }
      else for (let k = 0; k < g.length; k++) out[offset + k] = g[k];
    });
    return value.dataSync()[0];
  }

  #loss(batch: { input: tf.Tensor; labels: tf.Tensor; weights?: tf.Tensor; seeds?: number[] }) {
    const logits = this.logits(batch.input, batch.seeds);
    return (batch.weights === undefined
      ? tf.losses.softmaxCrossEntropy(batch.labels, logits)
      : tf.losses.softmaxCrossEntropy(
        batch.labels,
        logits,
        batch.weights,
        0,
        tf.Reduction.SUM,
      )) as tf.Scalar;
  }
}

/** One-hot float labels of the given rows. */
export function oneHot(labels: Uint8Array, rows: ArrayLike<number>): tf.Tensor {
  const picked = Int32Array.from({ length: rows.length }, (_, r) => labels[rows[r]]);
  return tf.cast(tf.oneHot(tf.tensor1d(picked, "int32"), CLASSES), "float32");
}
