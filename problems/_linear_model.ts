/**
 * The shared engine of the linear-model problems: f_i(x) = (1/m) Σ_s ℓ(z_s, y_s) + (λ/2)‖x‖²
 * with score z_s = w·a_s (+ b when the model has a bias), over flat row-major data.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { Rng } from "../random.ts";
import type { LayerSpec, Problem } from "./problem.ts";
import type { SyntheticData } from "./_synthetic_data.ts";
import { MinibatchSampler } from "./_minibatch.ts";
import { checkNode } from "./_validate.ts";

/** A per-sample loss ℓ(z, y) of the score z and its derivative in z. */
export interface SampleLoss {
  value(z: number, y: number): number;
  slope(z: number, y: number): number;
}

/** Everything the engine needs; all numbers already validated. */
export interface LinearModelConfig {
  readonly name: string;
  readonly nodes: number;
  /** Number of features (the parameter count is this plus one with a bias). */
  readonly features: number;
  readonly bias: boolean;
  readonly samplesPerNode: number;
  /** Minibatch size; 0 or ≥ samplesPerNode means the full local batch. */
  readonly batchSize: number;
  readonly l2: number;
  readonly data: SyntheticData;
  readonly sampleLoss: SampleLoss;
  readonly layers: readonly LayerSpec[];
  /** Nodes whose `gradient()` trains on `flip(y)` for every label y (none by default). */
  readonly poisoned?: ReadonlySet<number>;
  /** The poisoned label of a true label y (required with `poisoned`). */
  readonly flip?: (y: number) => number;
}

/** The score w·a (+ b, stored after the `width` weights, when `bias`) of row `row` of `rows`. */
export function linearScore(
  rows: Float64Array,
  row: number,
  x: Vector,
  shape: { width: number; bias: boolean },
): number {
  const { width, bias } = shape;
  let z = bias ? x[width] : 0;
  for (let k = 0, at = row * width; k < width; k++, at++) z += x[k] * rows[at];
  return z;
}

/** What one gradient adds: a row's weighted ∇ℓ (its label flipped on demand) and the ridge's. */
interface Terms {
  /** Adds weight·∇ℓ of row `row` (label `flip(y)` when `flipped`) into `out`; returns weight·ℓ. */
  addRow(
    row: number,
    weight: number,
    x: Vector,
    out: Vector,
    flipped?: boolean,
  ): number;
  /** Adds the ridge term's gradient into `out` and returns its value. */
  addRidge(x: Vector, out: Vector): number;
}

/** The per-row and ridge terms of the config's model, `dim` parameters. */
function termsOf(config: LinearModelConfig, dim: number): Terms {
  const { features: width, bias, l2, data, sampleLoss } = config;
  const shape = { width, bias };
  const flip = config.flip ?? ((y: number) => y);
  return {
    addRow(row, weight, x, out, flipped = false) {
      const z = linearScore(data.features, row, x, shape);
      const y = flipped ? flip(data.labels[row]) : data.labels[row];
      const slope = weight * sampleLoss.slope(z, y);
      for (let k = 0, at = row * width; k < width; k++, at++) out[k] += slope * data.features[at];
      if (bias) out[width] += slope;
      return weight * sampleLoss.value(z, y);
    },
    addRidge(x, out) {
      if (l2 === 0) return 0;
      let squares = 0;
      for (let k = 0; k < dim; k++) {
        squares += x[k] * x[k];
        out[k] += l2 * x[k];
      }
      return 0.5 * l2 * squares;
    },
  };
}

/**
 * Builds the {@linkcode Problem} of a linear model over the config's training data. A node in
 * `config.poisoned` trains on flipped labels; `loss` and `fullGradient` keep the true ones.
 */
export function linearModelProblem(config: LinearModelConfig): Problem {
  const { nodes, features: width, bias, samplesPerNode: m, l2, data, sampleLoss } = config;
  const dim = width + (bias ? 1 : 0);
  const batch = config.batchSize > 0 && config.batchSize < m ? config.batchSize : 0;
  const shape = { width, bias };
  const sampler = batch > 0 ? new MinibatchSampler(m, batch) : undefined;
  const poisoned = config.poisoned ?? new Set<number>();
  const { addRow, addRidge } = termsOf(config, dim);
  const rowLoss = (row: number, x: Vector): number =>
    sampleLoss.value(linearScore(data.features, row, x, shape), data.labels[row]);

  return {
    name: config.name,
    dim,
    nodes,
    layers: config.layers,
    initialParams: () => new Float64Array(dim),
    gradient(node: number, x: Vector, out: Vector, rng: Rng): number {
      checkNode(node, nodes);
      data.ensureNode(node);
      out.fill(0, 0, dim);
      const flipped = poisoned.has(node);
      let total = 0;
      if (sampler === undefined) {
        for (let s = 0; s < m; s++) total += addRow(node * m + s, 1 / m, x, out, flipped);
      } else {
        const picked = sampler.draw(rng);
        for (let t = 0; t < batch; t++) {
          total += addRow(node * m + picked[t], 1 / batch, x, out, flipped);
        }
      }
      return total + addRidge(x, out);
    },
    loss(x: Vector): number {
      data.ensureAll();
      let total = 0;
      for (let row = 0; row < nodes * m; row++) total += rowLoss(row, x);
      let squares = 0;
      for (let k = 0; k < dim; k++) squares += x[k] * x[k];
      return total / (nodes * m) + 0.5 * l2 * squares;
    },
    fullGradient(x: Vector, out: Vector): void {
      data.ensureAll();
      out.fill(0, 0, dim);
      for (let row = 0; row < nodes * m; row++) addRow(row, 1 / (nodes * m), x, out);
      addRidge(x, out);
    },
    samples: () => m,
    batchSize: batch,
  };
}
