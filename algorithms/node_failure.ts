/**
 * A node's failure, as both engines report it: which node (or the federated server), which
 * step, and why — its code threw, or its model diverged.
 *
 * @module
 */

/** A node's failure: which node, which step, and the cause. */
export class NodeFailureError extends Error {
  /** The failing node (the federated server's id is N, the client count). */
  readonly node: number;
  /** Its step (iteration or round) when it failed. */
  readonly step: number;
  /**
   * Wraps the cause with the node and step in the message.
   *
   * @param node the failing node
   * @param step its step
   * @param cause what was thrown
   */
  constructor(node: number, step: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.stack ?? cause.message : String(cause);
    super(`node ${node} failed at step ${step}: ${detail}`);
    this.name = "NodeFailureError";
    this.node = node;
    this.step = step;
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
  models: readonly Float64Array[],
  nodes: readonly number[],
  step: number,
): void {
  models.forEach((model, k) => {
    const at = model.findIndex((value) => !Number.isFinite(value));
    if (at >= 0) {
      throw new NodeFailureError(
        nodes[k],
        step,
        new RangeError(`the model diverged: parameter ${at} is ${model[at]}`),
      );
    }
  });
}
