/**
 * The neural problem's data and evaluations: seeded MNIST subsets, the initial weights, and
 * the synchronous evaluations (`loss`, `fullGradient`, `accuracy`) on the tfjs-layers model,
 * in chunks of {@linkcode CHUNK} images.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../random.ts";
import type { MnistPixels } from "./idx.ts";
import { glorotUniform } from "./models.ts";
import type { Partition } from "./partition.ts";
import { type NeuralModel, oneHot } from "./_neural_model.ts";

/** Images per evaluation chunk. */
const CHUNK = 500;

/** Images as floats in [0, 1], `size` per image, and their labels. */
export interface ImageSet {
  /** The images, row after row. */
  readonly images: Float32Array;
  /** One label per image. */
  readonly labels: Uint8Array;
  /** Floats per image. */
  readonly size: number;
}

/** A seeded subset of `count` of a set's images, as floats in [0, 1], with their labels. */
export function subset(set: MnistPixels, count: number, rng: Rng): ImageSet {
  const size = set.rows * set.cols;
  const picked = rng.sample(set.count, Math.min(count, set.count));
  const images = new Float32Array(picked.length * size);
  const labels = new Uint8Array(picked.length);
  picked.forEach((s, row) => {
    labels[row] = set.labels[s];
    for (let k = 0; k < size; k++) images[row * size + k] = set.pixels[s * size + k] / 255;
  });
  return { images, labels, size };
}

/** Glorot-uniform kernels and zero biases, drawn from the seed's `"problem/neural/init"`. */
export function initialWeights(network: NeuralModel, seed: number): Float64Array {
  const rng = new Rng(seed, "problem/neural/init");
  const x = new Float64Array(network.dim);
  network.variables.forEach((v, j) => {
    const { offset, size } = network.layers[j];
    if (v.shape.length >= 2) glorotUniform(v.shape, x.subarray(offset, offset + size), rng);
  });
  return x;
}

/** The rows `loss()` uses: up to ⌊evalSamples / N⌋ per node, each weighted 1/(N·m_i). */
function evaluationRows(parts: Partition, evalSamples: number, seed: number) {
  const rng = new Rng(seed, "problem/neural/eval");
  const perNode = Math.max(1, Math.floor(evalSamples / parts.length));
  const rows: number[] = [];
  const weights: number[] = [];
  for (const part of parts) {
    const picked = rng.sample(part.length, Math.min(perNode, part.length));
    for (const p of picked) {
      rows.push(part[p]);
      weights.push(1 / (parts.length * picked.length));
    }
  }
  return { rows: Int32Array.from(rows), weights: Float32Array.from(weights) };
}

/**
 * The evaluations of a model on fixed data: the weighted loss on the evaluation rows (and its
 * gradient), and the accuracy on the test images.
 */
export class Evaluator {
  readonly #network: NeuralModel;
  readonly #train: ImageSet;
  readonly #test: ImageSet;
  readonly #rows: Int32Array;
  readonly #weights: Float32Array;

  /**
   * @param network the model evaluated
   * @param data the training set (its evaluation rows are drawn from `parts`) and the test set
   */
  constructor(
    network: NeuralModel,
    data: { train: ImageSet; test: ImageSet; parts: Partition; evalSamples: number; seed: number },
  ) {
    this.#network = network;
    this.#train = data.train;
    this.#test = data.test;
    const evaluation = evaluationRows(data.parts, data.evalSamples, data.seed);
    this.#rows = evaluation.rows;
    this.#weights = evaluation.weights;
  }

  /** The loss Σ_s w_s ℓ_s at `x`; with `out`, its gradient is written there. */
  loss(x: Float64Array, out?: Float64Array): number {
    const network = this.#network, { images, labels, size } = this.#train;
    network.setWeights(x);
    out?.fill(0);
    let total = 0;
    for (let start = 0; start < this.#rows.length; start += CHUNK) {
      const rows = this.#rows.subarray(start, start + CHUNK);
      total += tf.tidy(() => {
        const batch = {
          input: network.input(images, rows, size),
          labels: oneHot(labels, rows),
          weights: tf.tensor1d(this.#weights.subarray(start, start + CHUNK)),
        };
        if (out !== undefined) return network.lossAndGradient(batch, out, true);
        return (tf.losses.softmaxCrossEntropy(
          batch.labels,
          network.logits(batch.input),
          batch.weights,
          0,
          tf.Reduction.SUM,
        ).dataSync())[0];
      });
    }
    return total;
  }

  /** The fraction of the test images whose label the model at `x` predicts. */
  accuracy(x: Float64Array): number {
    const network = this.#network, { images, labels, size } = this.#test;
    network.setWeights(x);
    let correct = 0;
    const count = labels.length;
    for (let start = 0; start < count; start += CHUNK) {
      const rows = Int32Array.from({ length: Math.min(CHUNK, count - start) }, (_, r) => start + r);
      const predicted = tf.tidy(() =>
        tf.argMax(network.logits(network.input(images, rows, size)), 1).dataSync()
      );
      for (let r = 0; r < rows.length; r++) correct += +(predicted[r] === labels[rows[r]]);
    }
    return correct / count;
  }
}
