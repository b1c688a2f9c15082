/**
 * A node's failure, as both engines report it: which node (or the federated server), which
 * step, and why — its code threw, or its model diverged. Divergence is caught at the step it
 * happens: both engines check every model after each local step, mix, client round and
 * aggregation.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import { kernelPart, kernelsFor } from "./vector_memory.ts";

/** A model holding NaN or ±Infinity, or whose metrics overflow. */
export class DivergenceError extends RangeError {
  /**
   * Names what diverged in the message.
   *
   * @param what what diverged, e.g. "parameter 3 is NaN after the local step"
   */
  constructor(what: string) {
    super(`the model diverged: ${what}`);
    this.name = "RangeError";
  }
}

/** A node's failure as plain data: node, step, how to name it, and the cause. */
export interface NodeFailureData {
  /** The failing node. */
  readonly node: number;
  /** Its step when it failed. */
  readonly step: number;
  /** How the message names it. */
  readonly who: string;
  /** The cause's stack or message. */
  readonly detail: string;
}

/** A node's failure: which node, which step, and the cause. */
export class NodeFailureError extends Error {
  /** The failing node (the federated server's id is N, the client count). */
  readonly node: number;
  /** Its step (iteration or round) when it failed. */
  readonly step: number;
  /**
   * Wraps the cause with the node and step in the message: the cause's stack for code that
   * threw, its one-line message for a divergence.
   *
   * @param node the failing node
   * @param step its step
   * @param cause what was thrown
   * @param who how the message names it (default `node <id>`; the federated server is `the server`)
   */
  constructor(node: number, step: number, cause: unknown, who = `node ${node}`) {
    const detail = cause instanceof DivergenceError
      ? `RangeError: ${cause.message}`
      : cause instanceof Error
      ? cause.stack ?? cause.message
      : String(cause);
    super(`${who} failed at step ${step}: ${detail}`);
    this.name = "NodeFailureError";
    this.node = node;
    this.step = step;
    this.who = who;
    this.detail = detail;
  }

  /** How the message names the node (`node 3`, `the server`). */
  readonly who: string;
  /** The cause: its stack for code that threw, its one-line message for a divergence. */
  readonly detail: string;

  /** The failure as plain data (what a transport carries from a host). */
  toData(): NodeFailureData {
    return { node: this.node, step: this.step, who: this.who, detail: this.detail };
  }

  /** The failure a host reported as data, with the same message. */
  static fromData(data: NodeFailureData): NodeFailureError {
    const cause = new Error(data.detail);
    cause.stack = data.detail;
    return new NodeFailureError(data.node, data.step, cause, data.who);
  }
}

/**
 * The magnitude past which a parameter counts as diverged: far beyond any model's scale, and
 * small enough that the metrics (squared norms summed over nodes) still fit in a double, so a
 * run stops at the step its model blows up instead of printing Infinity rows first.
 */
export const DIVERGED_MAGNITUDE = 1e100;

/** The largest float32 not above {@linkcode DIVERGED_MAGNITUDE} (float32's largest finite). */
const FLOAT32_DIVERGED = float32Below(DIVERGED_MAGNITUDE);

/** The largest float32 value ≤ `bound` (a positive number). */
function float32Below(bound: number): number {
  const nearest = new Float32Array([bound]);
  if (nearest[0] > bound) new Uint32Array(nearest.buffer)[0] -= 1;
  return nearest[0];
}

/**
 * Throws a {@linkcode DivergenceError} when `vector` holds NaN, ±Infinity or a value beyond
 * ±{@linkcode DIVERGED_MAGNITUDE}.
 *
 * @param vector a model or a payload's vector
 * @param where when it was checked, e.g. "after the local step"
 */
export function checkFinite(vector: Vector, where: string): void {
  // The SIMD kernel answers "all finite" for vectors in a vector memory; the loop finds which.
  // In float32 it compares with the largest float32 not above the bound: the same verdict.
  const kernels = kernelsFor(vector);
  const from = kernelPart(kernels, vector.length);
  const bound = kernels?.lanes === 4 ? FLOAT32_DIVERGED : DIVERGED_MAGNITUDE;
  if (kernels?.withinBound(vector.byteOffset, from, bound)) {
    let within = true;
    for (let k = from; k < vector.length; k++) {
      if (!(Math.abs(vector[k]) <= DIVERGED_MAGNITUDE)) within = false;
    }
    if (within) return;
  }
  for (let k = 0; k < vector.length; k++) {
    const value = vector[k];
    if (!(Math.abs(value) <= DIVERGED_MAGNITUDE)) {
      throw new DivergenceError(`parameter ${k} is ${value} ${where}`);
    }
  }
}

/**
 * Stops a diverged run: the first model holding NaN or ±Infinity raises a
 * {@linkcode NodeFailureError} naming its node and the step.
 *
 * @param models each node's model (`nodes[k]` is the id of `models[k]`)
 * @param nodes the node ids
 * @param step the step of the evaluation
 */
export function checkFiniteModels(
  models: readonly Vector[],
  nodes: readonly number[],
  step: number,
): void {
  models.forEach((model, k) => {
    try {
      checkFinite(model, "at the evaluation");
    } catch (error) {
      throw new NodeFailureError(nodes[k], step, error);
    }
  });
}

/**
 * Stops a run whose metrics overflow although every model is finite (‖x‖ near 1e154 squares
 * to Infinity): the node with the largest parameter is named.
 *
 * @param metrics the evaluation's metrics
 * @param models each node's model (`nodes[k]` is the id of `models[k]`)
 * @param nodes the node ids
 * @param step the step of the evaluation
 */
export function checkFiniteMetrics(
  metrics: Record<string, number | null>,
  models: readonly Vector[],
  nodes: readonly number[],
  step: number,
): void {
  const bad = Object.entries(metrics).find(([, v]) => v !== null && !Number.isFinite(v));
  if (!bad) return;
  let worst = 0, largest = -1;
  models.forEach((model, k) => {
    for (const value of model) {
      if (Math.abs(value) > largest) [largest, worst] = [Math.abs(value), k];
    }
  });
  throw new NodeFailureError(
    nodes[worst],
    step,
    new DivergenceError(`${bad[0]} is ${bad[1]} (largest parameter ${largest.toExponential(2)})`),
  );
}
