/**
 * How flag texts become config values (numbers, `KEY=VALUE` pairs, distributions, node lists)
 * and how they are placed into a config, each failure a {@linkcode UsageError} naming the
 * flag.
 *
 * @module
 */
import { clip as shorten } from "../_describe_issue.ts";

/** Bad command-line input (exit code 2). */
export class UsageError extends Error {
  /** @param message what was wrong, naming the flag */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A config being built from flags: plain JSON objects. */
export type Config = Record<string, unknown>;

/** A decimal number as people write it: `12`, `-0.5`, `1e-3` (not `0x10`, `Infinity`, ``). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a flag's decimal number. */
export function number(flag: string, text: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text.trim()) || !Number.isFinite(value)) {
    throw new UsageError(
      `--${flag}: expected a number, received "${shorten(text)}" (a finite decimal like 12, ` +
        "-0.5 or 1e-3)",
    );
  }
  return value;
}

export function parseParam(text: string): [string, unknown] {
  const match = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(text);
  if (!match) throw new UsageError(`--param: expected KEY=VALUE, received "${shorten(text)}"`);
  const [, key, raw] = match;
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

const DISTRIBUTION_FIELDS: Record<string, string[]> = {
  constant: ["value"],
  uniform: ["min", "max"],
  exponential: ["mean"],
  lognormal: ["mu", "sigma"],
  pareto: ["scale", "shape"],
};

/** Parses `--latency lognormal:-4,0.5` into a distribution object. */
export function distribution(flag: string, text: string): unknown {
  const [type, rest = ""] = text.split(":");
  const fields = DISTRIBUTION_FIELDS[type];
  const parts = rest.split(",");
  const values = parts.map(Number);
  if (
    !fields || values.length !== fields.length ||
    parts.some((part, k) => !DECIMAL.test(part.trim()) || !Number.isFinite(values[k]))
  ) {
    throw new UsageError(
      `--${flag}: expected constant:S, uniform:MIN,MAX, exponential:MEAN, lognormal:MU,SIGMA ` +
        `or pareto:SCALE,SHAPE, received "${shorten(text)}"`,
    );
  }
  return { type, ...Object.fromEntries(fields.map((field, k) => [field, values[k]])) };
}

/** Reads a list of node ids such as `0,3` (never empty). */
export function nodeList(flag: string, text: string): number[] {
  return text.split(",").map((part) => {
    if (!/^\d+$/.test(part.trim())) {
      throw new UsageError(
        `--${flag}: expected node numbers like 0,3, received "${shorten(text)}"`,
      );
    }
    return Number(part);
  });
}

/** The object at `path` inside `config`, created (as a copy) on the way. */
export function objectAt(config: Config, path: string[]): Config {
  let current = config;
  for (const key of path) {
    const next = current[key];
    current[key] = next !== null && typeof next === "object" ? { ...next as Config } : {};
    current = current[key] as Config;
  }
  return current;
}

/** Sets `field` (a dotted path) to `value`. */
export function setField(config: Config, field: string, value: unknown): void {
  const path = field.split(".");
  objectAt(config, path.slice(0, -1))[path.at(-1)!] = value;
}

/** A new `type` for a sub-object whose other fields belong to the old type clears them first. */
export function retype(key: string) {
  return (config: Config, value: unknown) => {
    if (value !== (config[key] as { type?: unknown } | undefined)?.type) config[key] = {};
    setField(config, `${key}.type`, value);
  };
}
