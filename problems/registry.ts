/**
 * The problem registry: a spec's `type` → its documented fields (a zod schema with defaults)
 * → a factory. A problem is rebuilt from plain data — its spec, the node count and the run's
 * seed — so every Worker of the actor engine holds exactly the same data. A user registers
 * their own problem with {@linkcode registerProblem} and a `module` URL that Workers import,
 * and it runs on both engines.
 *
 * @module
 */
import type { SchemaIssue } from "../_describe_issue.ts";
import type { Problem } from "./problem.ts";
import { type Precision, PRECISIONS } from "../vector.ts";
import { type QuadraticProblem, quadraticProblem } from "./quadratic.ts";
import type { LeastSquaresSpec, LogisticSpec, NeuralSpec, QuadraticSpec } from "./specs.ts";
import { builtins } from "./builtins.ts";

import type { FieldSchema } from "../definitions.ts";
import type { ProblemDefinition } from "./definition.ts";
import { deepFreeze } from "../_deep_freeze.ts";
export type { FieldSchema };

export type { ProblemDefinition } from "./definition.ts";

/** Any problem as plain, `postMessage`-safe data, discriminated by `type`. */
export type ProblemSpec = QuadraticSpec | LeastSquaresSpec | LogisticSpec;

/** Any problem spec, the neural ones (loaded asynchronously) and registered ones included. */
export type AnyProblemSpec =
  & (ProblemSpec | NeuralSpec | { readonly type: string })
  & { readonly precision?: Precision };

/** How a problem was built, so that a Worker can build the same one. */
export interface ProblemSource {
  /** The resolved spec (defaults filled in). */
  readonly spec: { readonly type: string } & Record<string, unknown>;
  /** The node count. */
  readonly nodes: number;
  /** The seed its data came from. */
  readonly seed: number;
}

/** A problem built through the registry: it remembers its source. */
export type SourcedProblem<P extends Problem = Problem> = P & { readonly source: ProblemSource };

const registry = new Map<string, ProblemDefinition>(builtins.map((d) => [d.name, d]));

/** The `type`s of the built-in problems. */
export const PROBLEM_TYPES: readonly string[] = Object.freeze(builtins.map((d) => d.name));

/**
 * Adds a problem to the registry, under its spec `type`.
 *
 * @example A one-dimensional problem registered and built from a spec
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { loadProblem, quadraticProblem, registerProblem } from "./mod.ts";
 *
 * registerProblem({
 *   name: "example-parabola",
 *   description: "f_i(x) = ½(x − centre)²",
 *   parameters: z.strictObject({ centre: z.number().default(1) }),
 *   create: ({ centre }, nodes, seed) =>
 *     quadraticProblem({ nodes, dim: 1, b: Array.from({ length: nodes }, () => [centre]), seed }),
 * });
 * const problem = await loadProblem({ type: "example-parabola" }, 3, 0);
 * assert.deepEqual(problem.source.spec, { type: "example-parabola", centre: 1 });
 * ```
 *
 * @param definition its name, documentation, schema, factory and module
 * @throws {RangeError} when the name is taken
 */
export function registerProblem<T>(definition: ProblemDefinition<T>): void {
  if (registry.has(definition.name)) {
    throw new RangeError(
      `Cannot register problem: type "${definition.name}" is already registered`,
    );
  }
  registry.set(definition.name, definition as unknown as ProblemDefinition);
}

/** Every registered problem, built-ins first. */
export function listProblems(): ProblemDefinition[] {
  return [...registry.values()];
}

/**
 * The definition registered for a spec `type`.
 *
 * @throws {TypeError} naming the unknown type and the known ones
 */
export function getProblem(type: unknown): ProblemDefinition {
  const definition = typeof type === "string" ? registry.get(type) : undefined;
  if (!definition) {
    throw new TypeError(
      `Cannot build problem: type must be one of ${[...registry.keys()].join(", ")}, received ${
        JSON.stringify(type)
      }`,
    );
  }
  return definition;
}

/** A schema issue in the registry's wording: `path: what was expected, received value`. */
function describe(input: unknown, issue: SchemaIssue): string {
  let value = input;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown>)?.[key];
  const path = issue.path.map(String).join(".") || "(root)";
  if (issue.code === "unrecognized_keys") {
    return `unknown field(s) ${(issue.keys ?? []).map((key) => `"${key}"`).join(", ")}`;
  }
  return `${path}: ${issue.message}, received ${
    value === undefined ? "nothing" : JSON.stringify(value)
  }`;
}

/**
 * Validates a spec against its type's schema and fills in defaults.
 *
 * @param spec the problem as plain data
 * @returns the resolved spec, `type` first
 * @throws {TypeError} for an unknown type
 * @throws {RangeError} naming every bad field, its value and what was expected
 */
export function resolveProblemSpec(spec: AnyProblemSpec): ProblemSource["spec"] {
  if (resolvedSpecs.has(spec)) return spec as ProblemSource["spec"];
  const definition = getProblem(spec?.type);
  const { type: _type, precision, ...fields } = spec as Record<string, unknown>;
  const parsed = definition.parameters.safeParse(fields);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => describe(fields, issue));
  const bad = precisionIssue(precision);
  if (bad) issues.push(`precision: ${bad}`);
  if (!parsed.success || issues.length > 0) {
    throw new RangeError(`Cannot build problem "${definition.name}": ${issues.join("; ")}`);
  }
  return resolvedSpecOf(definition, parsed.data as Record<string, unknown>, precision);
}

/**
 * The resolved spec of `fields`, validated against `definition`'s schema: `type` first, the
 * precision the spec names or else the type's default (`ProblemDefinition.precision`), marked
 * resolved ({@linkcode resolvedProblemSpec}).
 *
 * @param definition the problem type
 * @param fields the validated fields, defaults filled in
 * @param precision the spec's `precision`, checked ({@linkcode precisionIssue}), or undefined
 */
export function resolvedSpecOf(
  definition: ProblemDefinition,
  fields: Record<string, unknown>,
  precision: unknown,
): ProblemSource["spec"] {
  const chosen = precision ?? definition.precision;
  return resolvedProblemSpec({
    type: definition.name,
    ...fields,
    ...(chosen === undefined ? {} : { precision: chosen }),
  });
}

/**
 * Sets a built problem's precision (`vector.ts`) when its spec names one: `precision` is a
 * field of every problem type, kept out of the type's own schema and factory.
 */
function withPrecision<P extends Problem>(problem: P, precision: unknown): P {
  if (precision !== undefined) {
    Object.defineProperty(problem, "precision", { value: precision, enumerable: true });
  }
  return problem;
}

/**
 * What is wrong with a spec's `precision` (a field of every problem type: the precision the
 * engines keep its models in, `vector.ts`), or null when it is absent or valid.
 *
 * @param precision the field's value
 */
export function precisionIssue(precision: unknown): string | null {
  if (precision === undefined || PRECISIONS.includes(precision as Precision)) return null;
  const expected = PRECISIONS.map((p) => `"${p}"`).join(" or ");
  return `expected ${expected}, received ${JSON.stringify(precision)}`;
}

/** Specs this process resolved (frozen): {@linkcode resolveProblemSpec} takes them as they are. */
const resolvedSpecs = new WeakSet<object>();

/**
 * Marks `spec` as resolved against its type's schema (defaults filled in) and freezes it, so
 * that building a problem from it does not validate it again.
 *
 * @param spec a spec whose fields were just validated
 * @returns the same spec, frozen
 */
export function resolvedProblemSpec(spec: ProblemSource["spec"]): ProblemSource["spec"] {
  resolvedSpecs.add(deepFreeze(spec));
  return spec;
}

function sourced<P extends Problem>(problem: P, source: ProblemSource): SourcedProblem<P> {
  Object.defineProperty(problem, "source", { value: source, enumerable: false });
  return problem as SourcedProblem<P>;
}

/**
 * Builds a problem whose factory is synchronous (every built-in but `neural`), for `nodes`
 * nodes, with all data drawn from `seed`.
 *
 * @param spec the problem's type and fields
 * @param nodes the number of nodes N
 * @param seed the run's seed
 * @returns the problem; the same arguments give bit-identical data in any process
 * @throws {RangeError} when a field, `nodes` or `seed` is out of range
 * @throws {TypeError} when `spec.type` is unknown or its factory is asynchronous
 *
 * @example Same spec and seed, same loss
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProblem } from "./registry.ts";
 *
 * const spec = { type: "logistic", dim: 3, samplesPerNode: 10 } as const;
 * const first = createProblem(spec, 4, 11);
 * const second = createProblem(spec, 4, 11);
 * const x = Float64Array.of(0.1, -0.2, 0.3, 0);
 * assert.equal(first.loss(x), second.loss(x));
 * assert.equal(first.dim, 4);
 * ```
 */
export function createProblem(spec: AnyProblemSpec, nodes: number, seed: number): SourcedProblem {
  const resolved = resolveProblemSpec(spec);
  const { type: _type, precision, ...fields } = resolved;
  const problem = getProblem(resolved.type).create(fields, nodes, seed);
  if (problem instanceof Promise) {
    throw new TypeError(
      `Cannot build problem "${resolved.type}" synchronously: its data are loaded, use loadProblem`,
    );
  }
  return withPrecision(sourced(problem, { spec: resolved, nodes, seed }), precision);
}

/**
 * Builds any registered problem, loading data where it must (MNIST for `type: "neural"`); the
 * same arguments give the same problem in every process and Worker.
 *
 * @param spec the problem as plain data
 * @param nodes the number of nodes N
 * @param seed the run's seed
 * @returns the problem, which remembers its source
 */
export async function loadProblem(
  spec: AnyProblemSpec,
  nodes: number,
  seed: number,
): Promise<SourcedProblem> {
  const resolved = resolveProblemSpec(spec);
  const { type: _type, precision, ...fields } = resolved;
  const problem = await getProblem(resolved.type).create(fields, nodes, seed);
  return withPrecision(sourced(problem, { spec: resolved, nodes, seed }), precision);
}

/**
 * What a Worker must be allowed to read to rebuild the problem: its data folders and, for a
 * user's problem, the module that registers it.
 *
 * @param spec the problem as plain data
 * @returns absolute paths (none for problems without files)
 */
export function problemReadPaths(spec: AnyProblemSpec): string[] {
  const definition = getProblem(spec.type);
  const { type: _type, ...fields } = resolveProblemSpec(spec);
  const module = definition.module?.startsWith("file:")
    ? [decodeURIComponent(new URL(definition.module).pathname)]
    : [];
  return [...(definition.readPaths?.(fields) ?? []), ...module];
}

/**
 * The two-node problem of Theorem 1 (ALGORITHMS.md §2.5): d = 1, f_1(x) = ½x²,
 * f_2(x) = ½(x − 1)², exact gradients, x_1 = 0. Its minimiser is 0.5.
 *
 * @returns the problem
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { theorem1Problem } from "./registry.ts";
 *
 * const problem = theorem1Problem();
 * assert.equal(problem.loss(Float64Array.of(0.5)), 0.125);
 * assert.deepEqual(problem.optimum(), Float64Array.of(0.5));
 * ```
 */
export function theorem1Problem(): QuadraticProblem {
  return quadraticProblem({ nodes: 2, dim: 1, a: [[1], [1]], b: [[0], [1]], noise: 0, seed: 0 });
}
