/**
 * The command line's flags, generated from the one table in `cli/flag_table.ts`: the help
 * text, `parseArgs`'s options, and the mapping of parsed flags onto a config.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Flag, FLAGS, type Values } from "./flag_table.ts";
import { type Config, number, setField, UsageError } from "./values.ts";

export { UsageError, type Values };

/** The help text, generated from the table. */
export function helpText(): string {
  const lines = FLAGS.map((flag) => {
    const name = `${flag.short ? `-${flag.short}, ` : ""}--${flag.name}${
      flag.value ? ` ${flag.value}` : ""
    }`;
    const [first, ...rest] = flag.help.split("\n");
    const pad = " ".repeat(24);
    return [`  ${name.padEnd(21)} ${first}`, ...rest.map((line) => `${pad}${line}`)].join("\n");
  });
  return `gossim — decentralized and federated optimization under a simulated network

Usage: deno task sim [flags]
With no flags: decentralized AMSGrad vs DADAM on seed 000's Theorem-1 problem, then on a
5-node ring logistic regression; then the actor engine on a ring with a straggler, drops and
a crash, sync against async.

Flags (each overrides the same field of --config):
${lines.join("\n")}

Node hosts for --transport (one per process or machine; see docs/nats.md):
  deno task host --nats nats://H:P [--workers K] [--name NAME] [--nats-token-file FILE]
                       [--config-hash SHA] [--once]
`;
}

/**
 * Parses the command line.
 *
 * @throws {UsageError} on an unknown flag or a missing value
 */
export function parseFlags(args: string[]): Values {
  const options = Object.fromEntries(FLAGS.map((flag) => [flag.name, {
    type: flag.parse === "boolean" ? "boolean" as const : "string" as const,
    ...(flag.multiple ? { multiple: true } : {}),
    ...(flag.short ? { short: flag.short } : {}),
  }]));
  // A flag whose value is optional, given alone (last, or before another flag), gets its default.
  const filled = args.flatMap((arg, i) => {
    const flag = FLAGS.find((f) => f.optional !== undefined && arg === `--${f.name}`);
    const next = args[i + 1];
    return flag && (next === undefined || next.startsWith("--"))
      ? [`${arg}=${flag.optional}`]
      : [arg];
  });
  // A value that looks like a flag (`--steps -3`) is still the value: node:util would call it
  // ambiguous, and the user would never hear the allowed range.
  const valued = new Set(FLAGS.filter((f) => f.parse !== "boolean").map((f) => `--${f.name}`));
  const joined: string[] = [];
  for (let k = 0; k < filled.length; k++) {
    const next = filled[k + 1];
    if (valued.has(filled[k]) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${filled[k]}=${next}`);
      k++;
    } else joined.push(filled[k]);
  }
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the flags.`);
  }
}

/** Merges parsed flags over a config file's fields, by the table. */
export function applyFlags(base: Config, values: Values): Config {
  const config: Config = { ...base };
  const read = (flag: Flag) => {
    const raw = values[flag.name];
    const parse = flag.parse ?? "string";
    if (typeof parse === "function") return parse(flag.name, raw as string);
    return parse === "number" ? number(flag.name, raw as string) : raw;
  };
  // Sub-object resets (a new topology or problem type) come before the fields they hold.
  for (const flag of FLAGS.filter((f) => f.apply && values[f.name] !== undefined)) {
    if (flag.name === "topology" || flag.name === "problem") {
      flag.apply!(config, read(flag), values);
    }
  }
  for (const flag of FLAGS) {
    if (values[flag.name] === undefined) continue;
    if (flag.field) setField(config, flag.field, read(flag));
    else if (flag.apply && flag.name !== "topology" && flag.name !== "problem") {
      flag.apply(config, read(flag), values);
    }
  }
  const problem = config.problem as Config | undefined;
  if (problem && problem.type === undefined) problem.type = "logistic";
  return config;
}
