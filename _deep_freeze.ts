/**
 * Freezes a plain-data value and everything inside it, so that a value validated once stays
 * valid (the registries and the config skip validating what they froze themselves).
 *
 * @module
 */

/** `value`, frozen all the way down (typed arrays excepted: they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const field of Object.values(value)) deepFreeze(field);
  return value;
}
