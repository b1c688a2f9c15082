/**
 * The topology registry: a config's `topology.type` → its {@linkcode TopologyDefinition} (one
 * file each under `topologies/definitions/`, its fields a documented zod schema) → the graph.
 * The config's validation, the check of fields a run would ignore and the CLI's `--topology`
 * help and field flags are all derived from it, so a new type with its own fields is one file
 * and one {@linkcode registerTopology} call.
 *
 * @module
 */
import { type Fields, Registry } from "../definitions.ts";
import { describeIssue, showValue } from "../_describe_issue.ts";
import type { Graph } from "./graph.ts";
import { topologyContext, type TopologyDefinition } from "./topology_definition.ts";
import { complete } from "./definitions/complete.ts";
import { custom } from "./definitions/custom.ts";
import { erdosRenyi } from "./definitions/erdos_renyi.ts";
import { exponential } from "./definitions/exponential.ts";
import { grid } from "./definitions/grid.ts";
import { hypercube } from "./definitions/hypercube.ts";
import { path } from "./definitions/path.ts";
import { ring } from "./definitions/ring.ts";
import { star } from "./definitions/star.ts";
import { torus } from "./definitions/torus.ts";

const topologies = new Registry<TopologyDefinition>("topology", [
  ring,
  path,
  complete,
  star,
  torus,
  grid,
  hypercube,
  erdosRenyi,
  exponential,
  custom,
]);

/** The built-in topology types, in registry order (a user's own are added after them). */
export const TOPOLOGY_TYPES: readonly string[] = Object.freeze(topologies.names());

/**
 * Adds a topology type; a config then names it as `topology.type`, with its own fields.
 * Graphs are built in the main thread (Workers get W), so a user's type needs no `module`.
 *
 * @example A ring of rings would be one file; here, a ring under another name
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { registerTopology, ringTopology, topologyFromSpec } from "../mod.ts";
 *
 * registerTopology({
 *   name: "example-cycle",
 *   description: "N nodes in a cycle",
 *   parameters: z.strictObject({}),
 *   create: (_fields, { nodes }) => ringTopology(nodes),
 * });
 * assert.equal(topologyFromSpec({ type: "example-cycle", nodes: 4 }).nodes, 4);
 * ```
 *
 * @param definition its name, description, schema of its fields and factory
 * @throws {RangeError} when the name is taken
 */
export function registerTopology<P>(definition: TopologyDefinition<P>): void {
  topologies.register(definition as unknown as TopologyDefinition);
}

/**
 * The definition of topology type `name`.
 *
 * @throws {RangeError} naming the unknown type and the registered ones
 */
export function getTopology(name: string): TopologyDefinition {
  return topologies.get(name);
}

/** Every registered topology type, built-ins first. */
export function listTopologies(): TopologyDefinition[] {
  return topologies.list();
}

/** The fields of a topology type: its schema's keys (`nodes` and `seed` come from the run). */
export function topologyFields(definition: TopologyDefinition): string[] {
  return Object.keys(definition.parameters.shape);
}

/** The registered types whose schema has `field`, in registry order. */
export function topologiesWithField(field: string): string[] {
  return listTopologies().filter((d) => topologyFields(d).includes(field)).map((d) => d.name);
}

/**
 * A topology as plain data: a registered `type`, the type's own fields, and where the caller
 * has them the run's `nodes` and `seed` (which some types need: see each type's fields in
 * {@linkcode listTopologies}, or `deno task sim --help`).
 */
export interface TopologySpec {
  /** A registered type: ring, path, complete, star, torus, grid, hypercube, … or a user's own. */
  readonly type: string;
  /** The run's node count N. */
  readonly nodes?: number;
  /** The run's seed, for random graphs. */
  readonly seed?: number;
  /** The type's own fields, e.g. `rows` and `cols` of a torus. */
  readonly [field: string]: unknown;
}

/** A config's topology checked against its type: the resolved spec, or what is wrong. */
export interface TopologyCheck {
  /** The type and its fields with defaults filled in, or null when a problem was found. */
  readonly spec: ({ type: string } & Fields) | null;
  /** One line per problem, each naming its path, the value and what was expected. */
  readonly problems: string[];
}

/**
 * Checks a config's topology object: its `type` must be registered, its fields valid for that
 * type. A field of another registered type is left out of the resolved spec (the config's
 * check of ignored fields refuses it, naming the types that use it); a field no type has is
 * refused here.
 *
 * @param input the topology as written (`type` and fields)
 * @param prefix the path that problems are reported under
 */
export function checkTopology(
  input: { type: string } & Fields,
  prefix = "topology",
): TopologyCheck {
  const { type, ...fields } = input;
  if (!topologies.has(type)) {
    const expected = topologies.names().join(", ");
    return {
      spec: null,
      problems: [`${prefix}.type = ${showValue(type)}: expected one of ${expected}`],
    };
  }
  const definition = topologies.get(type);
  const own = new Set(topologyFields(definition));
  const known = new Set(listTopologies().flatMap(topologyFields));
  const unknown = Object.keys(fields).filter((key) => !known.has(key));
  const problems = unknown.length
    ? [
      describeIssue(
        fields,
        { path: [], code: "unrecognized_keys", keys: unknown, message: "" },
        prefix,
      ),
    ]
    : [];
  const mine = Object.fromEntries(Object.entries(fields).filter(([key]) => own.has(key)));
  const parsed = definition.parameters.safeParse(mine);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(mine, issue, prefix)));
  }
  return problems.length || !parsed.success
    ? { spec: null, problems }
    : { spec: { type: definition.name, ...parsed.data }, problems };
}

/**
 * Builds the graph a {@linkcode TopologySpec} describes: its type's fields are validated
 * (defaults filled in) by the type's schema, then its factory runs with `nodes` and `seed`.
 *
 * @param spec the topology as plain data
 * @returns the graph
 * @throws {TypeError} if a field the type needs is missing (`… nodes is required`)
 * @throws {RangeError} on an unknown type, an unknown field or a bad value
 *
 * @example A torus and a custom graph
 * ```ts
 * import assert from "node:assert/strict";
 * import { topologyFromSpec } from "./mod.ts";
 * assert.equal(topologyFromSpec({ type: "torus", rows: 3, cols: 4 }).nodes, 12);
 * const custom = topologyFromSpec({ type: "custom", nodes: 3, edges: [[0, 1], [1, 2]] });
 * assert.deepEqual(custom.neighbors, [[1], [0, 2], [1]]);
 * ```
 */
export function topologyFromSpec(spec: TopologySpec): Graph {
  const { type, nodes, seed, ...fields } = spec;
  if (!topologies.has(type)) {
    throw new RangeError(
      `Cannot build topology from spec: type must be one of ${
        topologies.names().join(", ")
      }, received ${type}`,
    );
  }
  const definition = topologies.get(type);
  const resolved = topologies.resolve(definition.name, fields);
  return definition.create(resolved, topologyContext(definition.name, nodes, seed));
}
