/**
 * The MNIST models of the papers, as tfjs-layers `Sequential` models that output logits (the
 * softmax is in the loss). Layers are named deterministically (`conv2d_1`, `dense_1`, …) so the
 * flat parameter layout is the same in every process; their weights start at zero here and are
 * set from a seed by the problem ({@linkcode glorotUniform}).
 *
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import type { Rng } from "../random.ts";

/**
 * A tfjs-layers `Sequential` model as gossim documents it; cast it to `Sequential` from
 * `@tensorflow/tfjs-layers` for the rest of tfjs's API (`save`, `predict`, …).
 */
export interface LayersModel {
  /** The model's name (the {@linkcode ModelName}). */
  readonly name: string;
  /** The weights, in flat-parameter order: each tensor's `shape` and `dataSync()` values. */
  getWeights(): { readonly shape: readonly number[]; dataSync(): unknown }[];
  /** Frees the weights' memory. */
  dispose(): unknown;
}

/** The models {@linkcode buildModel} knows. */
export type ModelName = "softmax" | "mlp" | "cnn" | "small-cnn";

/** The names {@linkcode buildModel} accepts. */
export const MODEL_NAMES: readonly ModelName[] = Object.freeze([
  "softmax",
  "mlp",
  "cnn",
  "small-cnn",
]);

/** MNIST's number of classes. */
const CLASSES = 10;

/** Zero-initialised kernels: the real initial weights come from the problem's seed. */
const zeros = { kernelInitializer: "zeros", biasInitializer: "zeros" } as const;

/** Softmax (multinomial logistic) regression: one dense layer 784 → 10. */
function softmax(): tfl.layers.Layer[] {
  return [tfl.layers.dense({ name: "dense_1", inputShape: [784], units: CLASSES, ...zeros })];
}

/** Seed 003's MLP: 784 → 200 ReLU → dropout 0.2 → 10. */
function mlp(): tfl.layers.Layer[] {
  return [
    tfl.layers.dense({
      name: "dense_1",
      inputShape: [784],
      units: 200,
      activation: "relu",
      ...zeros,
    }),
    tfl.layers.dropout({ name: "dropout_1", rate: 0.2 }),
    tfl.layers.dense({ name: "dense_2", units: CLASSES, ...zeros }),
  ];
}

/**
 * Seed 003's CNN (PyTorch's MNIST example): conv 5×5×10 → max-pool 2 → ReLU, conv 5×5×20 →
 * dropout 0.5 → max-pool 2 → ReLU, flatten (320), dense 50 ReLU, dropout 0.5, dense 10. (ReLU
 * and max-pool commute, so the ReLU sits in the convolution; the dropout is element-wise rather
 * than PyTorch's channel-wise `Dropout2d`.)
 */
function cnn(): tfl.layers.Layer[] {
  return [
    tfl.layers.conv2d({
      name: "conv2d_1",
      inputShape: [28, 28, 1],
      filters: 10,
      kernelSize: 5,
      activation: "relu",
      ...zeros,
    }),
    tfl.layers.maxPooling2d({ name: "max_pooling2d_1", poolSize: 2 }),
    tfl.layers.conv2d({
      name: "conv2d_2",
      filters: 20,
      kernelSize: 5,
      activation: "relu",
      ...zeros,
    }),
    tfl.layers.dropout({ name: "dropout_1", rate: 0.5 }),
    tfl.layers.maxPooling2d({ name: "max_pooling2d_2", poolSize: 2 }),
    tfl.layers.flatten({ name: "flatten_1" }),
    tfl.layers.dense({ name: "dense_1", units: 50, activation: "relu", ...zeros }),
    tfl.layers.dropout({ name: "dropout_2", rate: 0.5 }),
    tfl.layers.dense({ name: "dense_2", units: CLASSES, ...zeros }),
  ];
}

/**
 * A small CNN in the spirit of seed 000's (three convolutions, one dense layer): conv 3×3×16 →
 * max-pool 2, conv 3×3×32 → max-pool 2, conv 3×3×32, flatten (288), dense 10; ReLU throughout.
 */
function smallCnn(): tfl.layers.Layer[] {
  const conv = (name: string, filters: number, first: boolean) =>
    tfl.layers.conv2d({
      name,
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 3,
      activation: "relu",
      ...zeros,
    });
  return [
    conv("conv2d_1", 16, true),
    tfl.layers.maxPooling2d({ name: "max_pooling2d_1", poolSize: 2 }),
    conv("conv2d_2", 32, false),
    tfl.layers.maxPooling2d({ name: "max_pooling2d_2", poolSize: 2 }),
    conv("conv2d_3", 32, false),
    tfl.layers.flatten({ name: "flatten_1" }),
    tfl.layers.dense({ name: "dense_1", units: CLASSES, ...zeros }),
  ];
}

/**
 * Builds a model by name. Dense models take flat images `[batch, 784]`; CNNs take
 * `[batch, 28, 28, 1]` (see {@linkcode modelInputShape}). Every weight starts at zero. A tfjs
 * backend must be initialised first (`initBackend`).
 *
 * @param name the model
 * @returns the model; the caller disposes it (`model.dispose()`)
 * @throws {TypeError} when `name` is unknown
 *
 * @example The MLP's weights
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildModel } from "./models.ts";
 * import { initBackend } from "./tfjs_backend.ts";
 *
 * await initBackend("wasm");
 * const model = buildModel("mlp");
 * assert.deepEqual(model.getWeights().map((w) => w.shape), [[784, 200], [200], [200, 10], [10]]);
 * model.dispose();
 * ```
 */
export function buildModel(name: ModelName): LayersModel {
  const build = { softmax, mlp, cnn, "small-cnn": smallCnn }[name];
  if (!MODEL_NAMES.includes(name) || build === undefined) {
    throw new TypeError(
      `Cannot build model: name must be one of ${MODEL_NAMES.join(", ")}, received ${
        JSON.stringify(name)
      }`,
    );
  }
  return tfl.sequential({ name, layers: build() });
}

/**
 * The shape of one input sample of a model.
 *
 * @param name the model
 * @returns `[784]` for the dense models, `[28, 28, 1]` for the CNNs
 */
export function modelInputShape(name: ModelName): number[] {
  return name === "cnn" || name === "small-cnn" ? [28, 28, 1] : [784];
}

/**
 * Fills `out` with Glorot-uniform draws for a kernel of the given shape: U(−l, l) with
 * l = √(6 / (fanIn + fanOut)); a dense kernel `[in, out]` has fanIn = in, fanOut = out, a
 * convolution kernel `[kh, kw, cin, cout]` has fanIn = kh·kw·cin, fanOut = kh·kw·cout.
 *
 * @param shape the kernel's shape (rank 2 or 4)
 * @param out where the draws go (its length is the shape's size)
 * @param rng the stream to draw from
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glorotUniform } from "./models.ts";
 * import { Rng } from "../random.ts";
 *
 * const out = new Float64Array(20);
 * glorotUniform([4, 5], out, new Rng(1, "init"));
 * assert.ok(out.every((w) => Math.abs(w) <= Math.sqrt(6 / 9)));
 * ```
 */
export function glorotUniform(shape: readonly number[], out: Float64Array, rng: Rng): void {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * shape[shape.length - 2];
  const fanOut = receptive * shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let k = 0; k < out.length; k++) out[k] = rng.uniform(-limit, limit);
}
