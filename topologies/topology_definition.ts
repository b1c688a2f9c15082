/**
 * The shape of a topology type: gossim's one {@linkcode Definition} shape (name, one-line
 * description, a documented zod schema of the type's own fields with their defaults) plus the
 * factory that builds the graph from validated fields and the run's node count and seed. Each
 * built-in lives in its own file under `topologies/definitions/`; a user's own is one such
 * file and one `registerTopology(…)` call.
 *
 * @module
 */
import type { Definition, Fields, FieldSchema } from "../definitions.ts";
import type { Graph } from "./graph.ts";

/**
 * What a topology's factory gets from the run besides its own fields. Reading a value the
 * caller did not give throws `Cannot build topology "…" from spec: nodes is required`, so a
 * type that needs N (or a seed) says so without checking for it.
 */
export interface TopologyContext {
  /** The run's node count N (`config.nodes`). */
  readonly nodes: number;
  /** The run's seed (`config.seed`), for random graphs. */
  readonly seed: number;
}

/**
 * A topology type: its registry name (a config's `topology.type`), what it builds, the schema
 * of its own fields and its factory. `nodes` and `seed` are not fields: they come from the
 * run, through the {@linkcode TopologyContext}.
 *
 * @typeParam P its validated fields
 *
 * @example A ring as a definition
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { ringTopology, type TopologyDefinition } from "../mod.ts";
 *
 * const cycle: TopologyDefinition<Record<never, never>> = {
 *   name: "cycle",
 *   description: "N nodes in a cycle",
 *   parameters: z.strictObject({}),
 *   create: (_fields, { nodes }) => ringTopology(nodes),
 * };
 * assert.equal(cycle.create({}, { nodes: 4, seed: 0 }).nodes, 4);
 * ```
 */
export interface TopologyDefinition<P = Fields> extends Definition<P> {
  /**
   * The type's own fields with `.describe()` texts and their defaults, as a zod object schema
   * (`z.strictObject`): its `shape` names the fields, which the config check, the CLI's flags
   * and its help are derived from.
   */
  readonly parameters: FieldSchema<P> & { readonly shape: Readonly<Record<string, unknown>> };
  /**
   * Builds the graph from validated fields (defaults filled in) and the run's context.
   *
   * @throws {RangeError} on a value the schema cannot judge alone (e.g. too few nodes)
   */
  create(fields: P, context: TopologyContext): Graph;
}

/**
 * `value`, or a `TypeError` saying that topology `type` needs `field`: how a definition reads
 * a field its schema leaves optional but its graph needs.
 *
 * @throws {TypeError} `Cannot build topology "type" from spec: field is required`
 */
export function required<T>(type: string, field: string, value: T | null | undefined): T {
  if (value === undefined || value === null) {
    throw new TypeError(`Cannot build topology "${type}" from spec: ${field} is required`);
  }
  return value;
}

/**
 * The context of one build: `nodes` and `seed` where given; reading one that is missing
 * throws {@linkcode required}'s error.
 */
export function topologyContext(type: string, nodes?: number, seed?: number): TopologyContext {
  return {
    get nodes() {
      return required(type, "nodes", nodes);
    },
    get seed() {
      return required(type, "seed", seed);
    },
  };
}
