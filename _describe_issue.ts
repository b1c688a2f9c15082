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
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? "missing" : JSON.stringify(value);
  return `${path} = ${shown}: ${issue.message}`;
}
