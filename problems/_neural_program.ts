/**
 * The gradients of a block of nodes' neural networks as one tfjs program. The nodes' weights
 * are stacked on a leading axis (`[n, …shape]` per variable) and their minibatches on the
 * sample axis (`[n·B, …]`, node-major), so element-wise layers, pooling, dropout and the loss
 * run once for the whole block; each node's products stay its own: a dense layer is one
 * batched `matMul` of `[n, B, in]` by `[n, in, out]` (on wasm: XNNPACK per node, in place; on
 * WebGPU: one dispatch), a convolution one `conv2d` per node. Every node's arithmetic is the
 * same as in a block of one, so a node's gradient does not depend on the block it is in.
 *
 * The program is built from the tfjs-layers model's layer configs (dense, conv2d with stride 1
 * and valid padding, max-pooling, dropout, flatten), so it follows `buildModel`'s models.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

/** One layer of the stacked forward pass; `variable` indexes the model's kernel, then bias. */
export type Stage =
  | { readonly kind: "dense" | "conv"; readonly variable: number; readonly relu: boolean }
  | {
    readonly kind: "pool";
    readonly size: [number, number];
    readonly strides: [number, number];
  }
  | { readonly kind: "dropout"; readonly rate: number; readonly shape: readonly number[] }
  | { readonly kind: "flatten" };

/** A layer config field as the pair tfjs-layers stores it. */
function pair(value: unknown): [number, number] {
  return Array.isArray(value) ? [value[0], value[1]] : [value as number, value as number];
}

/** Throws for a layer config the stacked program does not implement. */
function unsupported(layer: tfl.layers.Layer, what: string): never {
  throw new Error(
    `Cannot batch gradients of layer "${layer.name}": ${what} is not supported, received ${
      JSON.stringify(layer.getConfig())
    }`,
  );
}

/**
 * The stages of a `Sequential` model's forward pass, with the index of each dense or conv
 * layer's kernel among the model's variables (its bias is the next).
 *
 * @throws {Error} for a layer type or option the program does not implement
 */
export function stagesOf(model: tfl.Sequential): Stage[] {
  let variable = 0;
  return model.layers.map((layer): Stage => {
    const config = layer.getConfig();
    const kind = layer.getClassName();
    if (kind === "Dense" || kind === "Conv2D") {
      const activation = config.activation as string;
      if (activation !== "relu" && activation !== "linear") unsupported(layer, "the activation");
      if (config.useBias !== true) unsupported(layer, "a layer without bias");
      if (kind === "Conv2D") {
        const strides = pair(config.strides), dilations = pair(config.dilationRate);
        if (
          strides[0] !== 1 || strides[1] !== 1 || dilations[0] !== 1 || dilations[1] !== 1 ||
          config.padding !== "valid" || config.dataFormat !== "channelsLast"
        ) unsupported(layer, "a convolution other than stride 1, valid, channels last");
      }
      const stage = {
        kind: kind === "Dense" ? "dense" : "conv",
        variable,
        relu: activation === "relu",
      };
      variable += 2;
      return stage as Stage;
    }
    if (kind === "MaxPooling2D") {
      if (config.padding !== "valid" || config.dataFormat !== "channelsLast") {
        unsupported(layer, "pooling other than valid, channels last");
      }
      return { kind: "pool", size: pair(config.poolSize), strides: pair(config.strides) };
    }
    if (kind === "Dropout") {
      const shape = (layer.outputShape as (number | null)[]).slice(1) as number[];
      return { kind: "dropout", rate: config.rate as number, shape };
    }
    if (kind === "Flatten") return { kind: "flatten" };
    return unsupported(layer, `layer type ${kind}`);
  });
}

/** One block's inputs: its weights, minibatches and dropout seeds. */
export interface BlockInputs {
  /** Number of nodes n in the block. */
  readonly nodes: number;
  /** Minibatch size B, the same for every node of the block. */
  readonly batch: number;
  /** Per variable, the n nodes' values stacked: `[n, …shape]`. */
  readonly weights: readonly tf.Tensor[];
  /** The n·B images, node by node, in the model's input shape: `[n·B, …inputShape]`. */
  readonly input: tf.Tensor;
  /** The n·B one-hot labels, `[n·B, classes]`. */
  readonly labels: tf.Tensor;
  /** `seeds[k][d]`: node k's seed of its d-th dropout layer. */
  readonly seeds: readonly (readonly number[])[];
}

/**
 * Each node's minibatch loss (`[n]`) and gradients (per variable, `[n, …shape]`). Call it
 * inside `tf.tidy`: only the returned tensors are meant to outlive it.
 */
export function blockGradients(
  stages: readonly Stage[],
  block: BlockInputs,
): { losses: tf.Tensor; grads: tf.Tensor[] } {
  let losses: tf.Tensor | undefined;
  const objective = (...weights: tf.Tensor[]): tf.Scalar => {
    const logits = forward(stages, block, weights);
    const perSample = tf.losses.softmaxCrossEntropy(
      block.labels,
      logits,
      undefined,
      0,
      tf.Reduction.NONE,
    );
    // Kept past the gradient's own scope.
    losses = tf.keep(tf.mean(tf.reshape(perSample, [block.nodes, block.batch]), 1));
    return tf.sum(losses);
  };
  const grads = tf.grads(objective)(block.weights as tf.Tensor[]);
  // A clone shares the data and belongs to the caller's scope, unlike the kept original.
  const tracked = tf.clone(losses!);
  losses!.dispose();
  return { losses: tracked, grads };
}

/** The n nodes' logits, `[n·B, classes]`, dropout applied with the nodes' seeds. */
function forward(stages: readonly Stage[], block: BlockInputs, weights: tf.Tensor[]): tf.Tensor {
  const { nodes, batch } = block;
  let h = block.input;
  let dropout = 0;
  for (const stage of stages) {
    if (stage.kind === "dense") {
      const [kernel, bias] = [weights[stage.variable], weights[stage.variable + 1]];
      const inputs = kernel.shape[1]!, units = kernel.shape[2]!;
      const z = tf.add(
        tf.matMul(tf.reshape(h, [nodes, batch, inputs]), kernel),
        tf.reshape(bias, [nodes, 1, units]),
      );
      h = tf.reshape(stage.relu ? tf.relu(z) : z, [nodes * batch, units]);
    } else if (stage.kind === "conv") {
      h = convolve(h, weights[stage.variable], weights[stage.variable + 1], nodes, stage.relu);
    } else if (stage.kind === "pool") {
      h = tf.maxPool(h as tf.Tensor4D, stage.size, stage.strides, "valid");
    } else if (stage.kind === "dropout") {
      h = tf.mul(h, dropoutMultiplier(stage, block.seeds, dropout++, batch));
    } else {
      h = tf.reshape(h, [nodes * batch, -1]);
    }
  }
  return h;
}

/** Each node's images convolved with its own filter, its bias added, ReLU if asked. */
function convolve(
  h: tf.Tensor,
  kernels: tf.Tensor,
  biases: tf.Tensor,
  nodes: number,
  relu: boolean,
): tf.Tensor {
  const parts = nodes === 1 ? [h] : tf.split(h, nodes, 0);
  const filters = nodes === 1 ? [tf.reshape(kernels, kernels.shape.slice(1))] : tf.unstack(kernels);
  const outputs = parts.map((part, k) =>
    tf.conv2d(part as tf.Tensor4D, filters[k] as tf.Tensor4D, 1, "valid")
  );
  const z = nodes === 1 ? outputs[0] : tf.concat(outputs, 0);
  const channels = z.shape[3]!;
  const biased = tf.reshape(
    tf.add(tf.reshape(z, [nodes, -1, channels]), tf.reshape(biases, [nodes, 1, channels])),
    z.shape,
  );
  return relu ? tf.relu(biased) : biased;
}

/**
 * tf.dropout's multiplier ⌊u + keep⌋ / keep for every node, u drawn by tfjs's seeded uniform
 * generator from the node's seed: the mask `tf.dropout(h, rate, undefined, seed)` would draw.
 */
export function dropoutMultiplier(
  stage: Stage & { kind: "dropout" },
  seeds: readonly (readonly number[])[],
  index: number,
  batch: number,
): tf.Tensor {
  const shape = [batch, ...stage.shape];
  const draws = seeds.map((seed) => tf.randomUniform(shape, 0, 1, "float32", seed[index]));
  const u = draws.length === 1 ? draws[0] : tf.concat(draws, 0);
  const keep = 1 - stage.rate;
  return tf.div(tf.floor(tf.add(u, keep)), keep);
}
