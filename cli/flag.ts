/**
 * One command-line flag: how it reads, what config field it sets, and its help line (the
 * table of every flag is `flag_table.ts`).
 *
 * @module
 */
import type { Config } from "./values.ts";

/** How a flag's text becomes a config value. */
export type Parse = "string" | "number" | "boolean" | ((flag: string, text: string) => unknown);

/** One flag: how it reads, what it sets, and its help line. */
export interface Flag {
  /** The flag without `--`. */
  name: string;
  /** The value's placeholder in the help (none for boolean flags). */
  value?: string;
  /** The help text (continuation lines are indented under it). */
  help: string;
  /** How the text is read (default `string`). */
  parse?: Parse;
  /** Repeatable. */
  multiple?: boolean;
  /** The value may be left out (`--serve` alone); it is then this text. */
  optional?: string;
  /** One-letter alias. */
  short?: string;
  /** The config field it sets, as a dotted path (`network.dropProbability`). */
  field?: string;
  /** A mapping beyond setting one field (runs after plain fields, in table order). */
  apply?: (config: Config, value: unknown, values: Values) => void;
}

/** Parsed flag values by flag name. */
export type Values = Record<string, unknown>;
