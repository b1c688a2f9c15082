/**
 * The metrics of ALGORITHMS.md §6 computed from the nodes' models: loss, accuracy and
 * ‖∇f‖² at the average model x̄, consensus distance (1/N) Σ_i ‖x_i − x̄‖² and, for adaptive
 * methods, the adaptive-rate disagreement (1/N) Σ_i ‖u_i − ū‖; for tracking methods, the
 * tracking error ‖(1/N) Σ_i r_i‖.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { Problem } from "../problems/problem.ts";

/** Model-quality metrics at one evaluation point. */
export interface ModelMetrics {
  /** f(x̄): the global training loss at the average model. */
  loss: number;
  /** ‖∇f(x̄)‖². */
  gradNormSq: number;
  /** (1/N) Σ_i ‖x_i − x̄‖² (0 for a federated global model). */
  consensusDistance: number;
  /** (1/N) Σ_i ‖u_i − ū‖ for adaptive methods, else null. */
  rateDisagreement: number | null;
  /** Held-out accuracy of x̄ where the problem has labels, else null. */
  accuracy: number | null;
  /** Mean of the nodes' own held-out accuracies (labelled problems, several models). */
  nodeAccuracyMean: number | null;
  /** Degree of consensus: best minus worst node accuracy (seed 004), else null. */
  accuracySpread: number | null;
  /** Accuracy of x̄ on training data (problems with `trainAccuracy`), else null. */
  trainAccuracy: number | null;
  /** Accuracy of x̄ on the validation split (problems with one), else null. */
  validationAccuracy: number | null;
  /** Mean of the nodes' own training accuracies (several models, `trainAccuracy`), else null. */
  nodeTrainAccuracyMean: number | null;
  /**
   * Tracking methods only (absent for the others): ‖(1/N) Σ_i r_i‖ over the nodes' tracking
   * residuals r_i (gradient tracking: y_i − g_i), 0 up to rounding while no message is lost.
   */
  trackingError?: number;
  /**
   * Runs with Byzantine nodes only: how many honest nodes every metric of the row is over
   * (their models averaged; the objective stays the whole problem's, true labels).
   */
  honestNodes?: number;
}

/** The nodes a row measures: their ids and their models, rates and residuals. */
export interface Measured {
  /** The node ids. */
  readonly ids: number[];
  /** Their models. */
  readonly models: readonly Vector[];
  /** Their adaptive rates, or null. */
  readonly rates: readonly Vector[] | null;
  /** Their tracking residuals, or null. */
  readonly residuals: readonly Vector[] | null;
}

/**
 * The honest part of the evaluated nodes: every node when `byzantine` is null, else those it
 * does not name (a run's metrics are over its honest nodes; Byzantine models are not measured).
 */
export function honestPart(all: Measured, byzantine: ((id: number) => boolean) | null): Measured {
  if (!byzantine) return all;
  const keep = all.ids.flatMap((id, k) => byzantine(id) ? [] : [k]);
  const pick = <T>(items: readonly T[] | null) => items && keep.map((k) => items[k]);
  return {
    ids: pick(all.ids)!,
    models: pick(all.models)!,
    rates: pick(all.rates),
    residuals: pick(all.residuals),
  };
}

/** {@linkcode evaluateModels} of the measured nodes, saying how many honest ones it is over. */
export function evaluateMeasured(
  problem: Problem,
  measured: Measured,
  attacked: boolean,
): ModelMetrics {
  const { models, rates, residuals } = measured;
  const metrics = evaluateModels(problem, models, rates, residuals);
  return attacked ? { ...metrics, honestNodes: models.length } : metrics;
}

/** The mean of `values`, or null for none. */
function meanOf(values: readonly number[] | null): number | null {
  return values ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Writes the element-wise mean of `vectors` into a new array. */
export function meanVector(vectors: readonly Vector[]): Float64Array {
  const mean = new Float64Array(vectors[0].length);
  for (const vector of vectors) for (let k = 0; k < mean.length; k++) mean[k] += vector[k];
  for (let k = 0; k < mean.length; k++) mean[k] /= vectors.length;
  return mean;
}

/** ‖v‖². */
function squaredNorm(vector: Vector): number {
  let sum = 0;
  for (let k = 0; k < vector.length; k++) sum += vector[k] * vector[k];
  return sum;
}

/** (1/N) Σ_i ‖x_i − x̄‖^p for p = 2 (squared distance) or p = 1 (distance). */
function meanDeviation(
  vectors: readonly Vector[],
  mean: Vector,
  squared: boolean,
): number {
  let total = 0;
  for (const vector of vectors) {
    let norm2 = 0;
    for (let k = 0; k < mean.length; k++) norm2 += (vector[k] - mean[k]) ** 2;
    total += squared ? norm2 : Math.sqrt(norm2);
  }
  return total / vectors.length;
}

/**
 * Evaluates the nodes' models.
 *
 * @param problem the objective
 * @param models every node's x_i (one entry for a federated global model)
 * @param rates every node's adaptive rate u_i, or null
 * @param residuals every node's tracking residual r_i, or null (then `trackingError` is absent)
 * @returns the metrics of ALGORITHMS.md §6 that apply
 */
export function evaluateModels(
  problem: Problem,
  models: readonly Vector[],
  rates: readonly Vector[] | null,
  residuals: readonly Vector[] | null = null,
): ModelMetrics {
  const mean = meanVector(models);
  const gradient = new Float64Array(problem.dim);
  problem.fullGradient(mean, gradient);
  let gradNormSq = 0;
  for (let k = 0; k < gradient.length; k++) gradNormSq += gradient[k] * gradient[k];
  const nodeAccuracies = problem.accuracy && models.length > 1
    ? accuracyNodes(models.length).map((i) => problem.accuracy!(models[i]))
    : null;
  const nodeTrainAccuracies = problem.trainAccuracy && models.length > 1
    ? models.map((model) => problem.trainAccuracy!(model))
    : null;
  return {
    loss: problem.loss(mean),
    gradNormSq,
    consensusDistance: meanDeviation(models, mean, true),
    rateDisagreement: rates ? meanDeviation(rates, meanVector(rates), false) : null,
    accuracy: problem.accuracy ? problem.accuracy(mean) : null,
    nodeAccuracyMean: meanOf(nodeAccuracies),
    accuracySpread: nodeAccuracies
      ? nodeAccuracies.reduce((a, b) => Math.max(a, b)) -
        nodeAccuracies.reduce((a, b) => Math.min(a, b))
      : null,
    trainAccuracy: problem.trainAccuracy ? problem.trainAccuracy(mean) : null,
    validationAccuracy: problem.validationAccuracy ? problem.validationAccuracy(mean) : null,
    nodeTrainAccuracyMean: meanOf(nodeTrainAccuracies),
    ...(residuals ? { trackingError: Math.sqrt(squaredNorm(meanVector(residuals))) } : {}),
  };
}

/**
 * Above this many nodes, the per-node accuracy metrics (mean and spread) are measured on this
 * many evenly spaced nodes, so an evaluation costs the same at 1,000 and at 100,000 nodes.
 */
export const EXACT_NODE_ACCURACY_MAX_NODES = 256;

/**
 * The nodes whose own accuracy an evaluation measures: all of them up to
 * {@linkcode EXACT_NODE_ACCURACY_MAX_NODES}, else that many evenly spaced ones (0, N/256, …).
 *
 * @param nodes N
 * @returns ascending node ids
 */
export function accuracyNodes(nodes: number): number[] {
  const count = Math.min(nodes, EXACT_NODE_ACCURACY_MAX_NODES);
  return Array.from({ length: count }, (_, k) => Math.floor((k * nodes) / count));
}
