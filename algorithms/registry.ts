/**
 * The algorithm registry: names → documented hyper-parameters (zod schemas with the papers'
 * defaults) → per-node code. Hyper-parameters are plain data, so a Worker rebuilds the very
 * same algorithm from `(name, parameters)`.
 *
 * @module
 */
import { Registry } from "../definitions.ts";
import type { Algorithm } from "./algorithm.ts";
import { type AlgorithmDefinition, erase, type Hyperparameters } from "./definition.ts";
import { BUILTIN_ALGORITHMS } from "./builtins.ts";

export * from "./definition.ts";

const registry = new Registry<AlgorithmDefinition>("algorithm", BUILTIN_ALGORITHMS, {
  aliases: {
    "d-psgd": "dgd",
    "fed-sgd": "fedavg",
    "local-ams": "fed-ams",
    diging: "gradient-tracking",
    "exact-diffusion": "d2",
  },
  fields: "hyper-parameters",
});

/**
 * Adds an algorithm to the registry (e.g. one built with `decentralize`).
 *
 * @param definition its name, documentation, schema and factory
 * @throws {RangeError} when the name is taken
 */
export function registerAlgorithm<P>(definition: AlgorithmDefinition<P>): void {
  registry.register(erase(definition));
}

/** Every registered algorithm, built-ins first. */
export function listAlgorithms(): AlgorithmDefinition[] {
  return registry.list();
}

/**
 * The definition registered under `name` or an alias (`d-psgd`, `diging`, `exact-diffusion`, …).
 *
 * @throws {RangeError} naming the unknown algorithm and the known ones
 */
export function getAlgorithm(name: string): AlgorithmDefinition {
  return registry.get(name);
}

/**
 * Validates hyper-parameters against the algorithm's schema, filling in defaults.
 *
 * @throws {RangeError} naming every bad field, its value and what was expected
 */
export function resolveHyperparameters(
  name: string,
  parameters: Hyperparameters = {},
): Hyperparameters {
  return registry.resolve(name, parameters);
}

/**
 * Builds an algorithm's per-node code from its name and (partial) hyper-parameters.
 *
 * @example Decentralized AMSGrad with the defaults but α
 * ```ts
 * import { createAlgorithm } from "./registry.ts";
 * const algorithm = createAlgorithm("decentralized-amsgrad", { alpha: 0.01 });
 * if (algorithm.kind !== "decentralized") throw new Error("expected decentralized");
 * ```
 */
export function createAlgorithm(name: string, parameters: Hyperparameters = {}): Algorithm {
  return getAlgorithm(name).create(resolveHyperparameters(name, parameters));
}
