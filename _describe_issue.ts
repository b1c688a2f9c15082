/**
 * One wording for every schema error gossim reports (config fields and hyper-parameters
 * alike): `path = value: what was expected`, or `path: unknown field(s) "…"`.
 *
 * @module
 */

/** The parts of a zod issue the wording uses. */
export interface SchemaIssue {
  /** Where, inside the validated input. */
  readonly path: readonly PropertyKey[];
  /** What was expected. */
  readonly message: string;
  /** zod's issue code (`unrecognized_keys` is worded apart). */
  readonly code?: string;
  /** The unknown keys, for `unrecognized_keys`. */
  readonly keys?: readonly string[];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Describes one issue found in `input`, its path prefixed by `prefix` (e.g. an algorithm's
 * name) when given.
 */
export function describeIssue(input: unknown, issue: SchemaIssue, prefix?: string): string {
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)";
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `${path}: unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  return `${path} = ${showValue(valueAt(input, issue.path))}: ${issue.message}`;
}

/**
 * A value as an error message shows it: JSON, but `Infinity`, `-Infinity` and `NaN` by name
 * (JSON would say `null`), and at most 80 characters of it.
 */
export function showValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_, v) =>
      typeof v === "number" && !Number.isFinite(v) ? String(v) : v) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text);
}

/** At most 80 characters of a text shown in an error (a 20 MB value is not echoed whole). */
export function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 60)}… (${text.length} characters)`;
}
