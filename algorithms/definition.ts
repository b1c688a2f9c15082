/**
 * The shape of a registered algorithm: gossim's one definition shape (name, one-line
 * description, documented schema of hyper-parameters with defaults, module) plus its kind,
 * paper, what it needs of W, and its factory.
 *
 * @module
 */
import type { Definition, Fields, FieldSchema } from "../definitions.ts";
import type { Algorithm } from "./algorithm.ts";
import type { MixingRequirements } from "./mixing_requirements.ts";

/** Hyper-parameters as plain data. */
export type Hyperparameters = Fields;

/** How a Worker rebuilds an algorithm: its registry name, hyper-parameters and module. */
export interface AlgorithmSource {
  /** The registry name. */
  readonly name: string;
  /** Resolved hyper-parameters (every default filled in). */
  readonly params: Hyperparameters;
  /** A module that registers it, for user algorithms; Workers import it first. */
  readonly module?: string;
}

/**
 * Validates hyper-parameters and fills in defaults: the one field schema of every registry.
 *
 * @typeParam P the validated hyper-parameters
 */
export type HyperparameterSchema<P = Hyperparameters> = FieldSchema<P>;

/**
 * A registered algorithm: its documentation, its parameter schema and its factory.
 *
 * @typeParam P its validated hyper-parameters, which the factory receives
 */
export interface AlgorithmDefinition<P = Hyperparameters> extends Definition<P> {
  /** Decentralized (neighbour mixing) or federated (client/server rounds). */
  readonly kind: "decentralized" | "federated";
  /** The paper the update rule comes from. */
  readonly paper: string;
  /** What the method needs of W, checked before every run (`simulation/requirements.ts`). */
  readonly requires?: MixingRequirements;
  /** Builds the per-node code from validated hyper-parameters. */
  create(parameters: P): Algorithm;
}

/** A registry entry's type erased, for storing definitions of different parameter types. */
export function erase<P>(definition: AlgorithmDefinition<P>): AlgorithmDefinition {
  return definition as unknown as AlgorithmDefinition;
}
