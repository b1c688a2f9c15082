/**
 * Objectives for gossim: the {@linkcode Problem} interface, closed-form quadratics (the Theorem-1
 * problem among them), seeded synthetic least squares and logistic regression, and
 * {@linkcode createProblem}, which builds any of them from plain data and a seed.
 *
 * @example Build a problem from a spec and take a gradient step
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../random.ts";
 * import { createProblem } from "./mod.ts";
 *
 * const problem = createProblem({ type: "quadratic", dim: 2, heterogeneity: 1 }, 3, 5);
 * const x = problem.initialParams();
 * const gradient = new Float64Array(problem.dim);
 * problem.gradient(0, x, gradient, new Rng(5, "node/0/minibatch"));
 * const before = problem.loss(x);
 * problem.fullGradient(x, gradient);
 * for (let k = 0; k < x.length; k++) x[k] -= 0.1 * gradient[k];
 * assert.ok(problem.loss(x) < before);
 * ```
 *
 * @module
 */
export * from "./problem.ts";
/** The seeded stream type that {@linkcode Problem.gradient} draws minibatches and noise from. */
export { Rng } from "../random.ts";
export * from "./quadratic.ts";
export * from "./synthetic.ts";
export * from "./registry.ts";
export type { LeastSquaresSpec, LogisticSpec, NeuralSpec, QuadraticSpec } from "./specs.ts";
export * from "./backend_names.ts";
// Types only: the neural modules load tfjs, which flat problems should not pay for. Import
// "@gossim/gossim/neural" for the functions.
export type { NeuralOptions, NeuralPartition, NeuralProblem } from "./neural.ts";
export type { LayersModel, ModelName } from "./models.ts";
