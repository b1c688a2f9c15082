/**
 * The neural problem's data and evaluations: seeded MNIST subsets, the initial weights, and
 * the synchronous evaluations (`loss`, `fullGradient`, the accuracies) on the tfjs-layers model,
 * in chunks of {@linkcode CHUNK} images.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../random.ts";
import type { ImageSet } from "./_mnist_subsets.ts";
import { glorotUniform } from "./models.ts";
import type { Partition } from "./partition.ts";
import { type NeuralModel, oneHot } from "./_neural_model.ts";

/** Images per evaluation chunk. */
const CHUNK = 500;

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
 * gradient), the accuracy on the test images, on the evaluation rows (weighted as in the loss)
 * and on a validation set.
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
  loss(x: Vector, out?: Vector): number {
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
  accuracy(x: Vector): number {
    return this.accuracyOn(this.#test, x);
  }

  /** The same on the evaluation rows of the training set, each weighted as in the loss. */
  trainAccuracy(x: Vector): number {
    this.#network.setWeights(x);
    return this.#network.accuracy(this.#train, this.#rows, this.#weights, CHUNK);
  }

  /** The fraction of every image of `data` whose label the model at `x` predicts. */
  accuracyOn(data: ImageSet, x: Vector): number {
    this.#network.setWeights(x);
    const rows = Int32Array.from({ length: data.labels.length }, (_, r) => r);
    return this.#network.accuracy(data, rows, null, CHUNK);
  }
}
