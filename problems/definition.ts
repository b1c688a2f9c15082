/**
 * The shape of a registered problem: gossim's one definition shape (its spec's `type` as the
 * name, a one-line description, a documented schema of the spec's fields with defaults, a
 * module) plus the factory and the folders a Worker must read to build it.
 *
 * @module
 */
import type { Definition } from "../definitions.ts";
import type { Problem } from "./problem.ts";
import type { Precision } from "../vector.ts";

/**
 * A registered problem: its spec's fields and how to build it.
 *
 * @typeParam T the spec's validated fields (besides `type`)
 */
export interface ProblemDefinition<T = Record<string, unknown>> extends Definition<T> {
  /** Builds the problem from validated fields, for `nodes` nodes, all data from `seed`. */
  create(fields: T, nodes: number, seed: number): Problem | Promise<Problem>;
  /** Folders a Worker must be allowed to read to build it (data files), if any. */
  readPaths?(fields: T): string[];
  /**
   * The precision of its runs when the spec names none (`vector.ts`); float64 when absent.
   * A resolved spec always names it.
   */
  precision?: Precision;
}
