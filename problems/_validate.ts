/**
 * Option checks shared by the problem builders. Every failure is a `RangeError` reading
 * "Cannot build <problem>: <field> must be <rule>, received <value>".
 *
 * @module
 */

/** Renders a received value for an error message (arrays as short JSON). */
function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Throws the standard option error. */
export function fail(what: string, field: string, rule: string, value: unknown): never {
  throw new RangeError(`Cannot build ${what}: ${field} must be ${rule}, received ${show(value)}`);
}

/** Checks a finite number and returns it. */
export function checkFinite(what: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(what, field, "a finite number", value);
  }
  return value;
}

/** Checks an integer ≥ 1 and returns it. */
export function checkPositiveInteger(what: string, field: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    fail(what, field, "a positive integer", value);
  }
  return value as number;
}

/** Checks an integer in [min, max] and returns it. */
export function checkIntegerIn(
  what: string,
  field: string,
  value: unknown,
  range: readonly [number, number],
): number {
  const [min, max] = range;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(what, field, `an integer in [${min}, ${max}]`, value);
  }
  return value as number;
}

/** Checks a finite number ≥ 0 and returns it. */
export function checkNonNegative(what: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    fail(what, field, "a finite number >= 0", value);
  }
  return value;
}

/** Checks a probability in [0, 1] and returns it. */
export function checkProbability(what: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    fail(what, field, "a probability in [0, 1]", value);
  }
  return value;
}

/** Checks an array of `length` finite numbers (all > 0 when `positive`) into `out` at `offset`. */
export function checkVectorInto(
  what: string,
  field: string,
  value: unknown,
  target: { out: Float64Array; offset: number; length: number; positive: boolean },
): void {
  const { out, offset, length, positive } = target;
  if (!Array.isArray(value) || value.length !== length) {
    fail(what, field, `an array of ${length} numbers`, value);
  }
  for (let k = 0; k < length; k++) {
    const entry = value[k];
    if (positive && !(typeof entry === "number" && entry > 0 && Number.isFinite(entry))) {
      fail(what, `${field}[${k}]`, "a finite number > 0", entry);
    }
    out[offset + k] = checkFinite(what, `${field}[${k}]`, entry);
  }
}

/** Checks a `rows` × `cols` nested array (entries > 0 when `positive`) into a flat row-major array. */
export function checkMatrix(
  what: string,
  field: string,
  value: unknown,
  shape: { rows: number; cols: number; positive: boolean },
): Float64Array {
  const { rows, cols, positive } = shape;
  if (!Array.isArray(value) || value.length !== rows) {
    fail(what, field, `an array of ${rows} rows (one per node)`, value);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    checkVectorInto(what, `${field}[${i}]`, value[i], {
      out,
      offset: i * cols,
      length: cols,
      positive,
    });
  }
  return out;
}

/** Throws unless `node` indexes one of the `nodes` nodes (a cheap check for the hot path). */
export function checkNode(node: number, nodes: number): void {
  if (!(Number.isInteger(node) && node >= 0 && node < nodes)) {
    throw new RangeError(
      `Cannot compute gradient: node must be an integer in [0, ${nodes - 1}], received ${node}`,
    );
  }
}

/**
 * Checks a list of node ids, each an integer in [0, nodes), into a set (`poisoned`: the nodes
 * whose training labels are flipped). Undefined is the empty list.
 */
export function checkNodeIds(
  what: string,
  field: string,
  value: unknown,
  nodes: number,
): ReadonlySet<number> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) fail(what, field, "an array of node ids", value);
  value.forEach((id, k) => {
    if (!(Number.isInteger(id) && id >= 0 && id < nodes)) {
      fail(what, `${field}[${k}]`, `a node id, an integer in [0, ${nodes})`, id);
    }
  });
  return new Set(value as number[]);
}
