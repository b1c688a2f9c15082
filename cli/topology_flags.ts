/**
 * The command line's topology flags, derived from the topology registry: `--topology`'s help
 * lists every registered type with its fields and description, and each number field of a
 * built-in type (`rows`, `cols`, `dimension`, `p`) is a flag of its own. A field that holds a
 * list or a matrix is set in a `--config` file.
 *
 * @module
 */
import { z } from "zod";
import { listTopologies, topologiesWithField, topologyFields } from "../topologies/registry.ts";
import type { TopologyDefinition } from "../topologies/topology_definition.ts";
import type { Flag } from "./flag.ts";

/** A field's flag name: `rows` → `rows`, `maxDegree` → `max-degree`. */
function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A field's JSON schema (its type and description), from the type's zod schema. */
function fieldSchema(definition: TopologyDefinition, field: string): Record<string, unknown> {
  try {
    const schema = z.toJSONSchema(definition.parameters as unknown as z.ZodType, { io: "input" });
    return ((schema.properties ?? {}) as Record<string, Record<string, unknown>>)[field] ?? {};
  } catch {
    return {}; // a schema zod cannot describe: its fields are set in a --config file
  }
}

/**
 * One flag per number field of the registered topology types (a field several types share is
 * one flag), each setting `topology.FIELD`; names the table already has are left to it.
 *
 * @param taken the names of the table's other flags
 */
export function topologyFieldFlags(taken: ReadonlySet<string>): Flag[] {
  const flags = new Map<string, Flag>();
  for (const definition of listTopologies()) {
    for (const field of topologyFields(definition)) {
      const name = flagName(field);
      const { type, description } = fieldSchema(definition, field);
      if (taken.has(name) || flags.has(name) || (type !== "integer" && type !== "number")) continue;
      const types = topologiesWithField(field).join("/");
      flags.set(name, {
        name,
        value: type === "integer" ? "N" : "X",
        help: `${types}: ${description ?? field}`,
        parse: "number",
        field: `topology.${field}`,
      });
    }
  }
  return [...flags.values()];
}

/** Wraps `text` at `width` characters, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/**
 * The help of `--topology`: every registered type, each with its fields (as flags where the
 * table has one, else as `topology.FIELD` of a config file) and its description.
 *
 * @param flags the table, to name the flag that sets a field
 */
export function topologyHelp(flags: readonly Flag[]): string {
  const flagOf = (field: string) => flags.find((flag) => flag.field === `topology.${field}`)?.name;
  const types = listTopologies().map((definition) => {
    const fields = topologyFields(definition).map((field) => {
      const flag = flagOf(field);
      return flag ? `--${flag}` : field;
    });
    const head = fields.length ? `${definition.name} (${fields.join(", ")})` : definition.name;
    return wrap(`${head}: ${definition.description}`, 74, "    ").map((line) => `  ${line}`);
  });
  return [
    "the graph's type (default ring); its fields are the flags shown,",
    "the others set as topology.FIELD in --config:",
    ...types.flat(),
  ].join("\n");
}
