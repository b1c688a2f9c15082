/**
 * A compile-time check that a zod schema and the documented type of the same concept agree
 * exactly. The public API keeps hand-documented interfaces (JSR's no-slow-types rule and
 * `deno doc --lint` refuse types inferred from zod), and each schema is pinned to its type by
 *
 * ```ts ignore
 * const _agrees: Agrees<Scenario, z.output<typeof scenarioSchema>> = true;
 * ```
 *
 * which fails to compile as soon as either side changes without the other.
 *
 * @module
 */

/** Deep readonly-insensitive view of a type, so `readonly T[]` and `T[]` compare equal. */
type Plain<T> = T extends (...args: never[]) => unknown ? T
  : T extends readonly (infer E)[] ? Plain<E>[]
  : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> }
  : T;

/** `true` when A and B are the same type (readonly aside), else `false`. */
export type Agrees<A, B> = [Plain<A>] extends [Plain<B>] ? [Plain<B>] extends [Plain<A>] ? true
  : false
  : false;
