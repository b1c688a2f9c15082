/**
 * The one definition shape every registry of gossim shares — algorithms, problems,
 * topologies, and the exchange seam's encoders and aggregators: a name, a one-line
 * description, a documented schema of its fields with their defaults, and a factory. A
 * {@linkcode Registry} holds the built-ins and a user's own (registered with one call), and
 * resolves a definition's fields once: defaults filled in, unknown fields and bad values
 * refused with the field, the value and what was expected named.
 *
 * @module
 */
import { describeIssue, type SchemaIssue } from "./_describe_issue.ts";

/** Fields as plain data: what a config, a CLI flag or a Worker setup carries. */
export type Fields = Record<string, unknown>;

/**
 * Validates fields and fills in defaults; a zod object schema (`z.strictObject`) is one.
 *
 * @typeParam P the validated fields
 */
export interface FieldSchema<P = Fields> {
  /** Parses `input`: the data with defaults, or the issues found. */
  safeParse(
    input: unknown,
  ): { success: true; data: P } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

/**
 * A registry entry: what it is called, what it does, its fields and how to build it.
 *
 * @typeParam P its validated fields, which the factory receives
 */
export interface Definition<P = Fields> {
  /** The registry name, e.g. `"ring"` or `"median"`. */
  readonly name: string;
  /** One line on what it does. */
  readonly description: string;
  /** Its fields with their defaults; unknown fields are rejected. */
  readonly parameters: FieldSchema<P>;
  /**
   * A module that registers this entry when imported; Workers of the actor engine import it,
   * so a user's own entry runs there too. Built-ins leave it unset.
   */
  readonly module?: string;
}

/** How a Worker rebuilds a registry entry: its name, resolved fields and module. */
export interface DefinitionSource {
  /** The registry name. */
  readonly name: string;
  /** Resolved fields (every default filled in). */
  readonly params: Fields;
  /** A module that registers it, for a user's own entry; Workers import it first. */
  readonly module?: string;
}

/**
 * Definitions of one kind, by name: the built-ins first, then a user's own.
 *
 * @typeParam D the definition type of this registry
 */
export class Registry<D extends Definition<unknown>> {
  /** What this registry holds, for messages (e.g. `"aggregator"`). */
  readonly kind: string;
  readonly #entries = new Map<string, D>();
  readonly #aliases: ReadonlyMap<string, string>;
  readonly #fields: string;

  /**
   * A registry holding `builtins`.
   *
   * @param kind what the entries are, for messages
   * @param builtins the definitions that ship with gossim
   * @param options other names accepted for some of them, and what messages call the fields
   */
  constructor(
    kind: string,
    builtins: readonly D[],
    options: { aliases?: Record<string, string>; fields?: string } = {},
  ) {
    this.kind = kind;
    this.#aliases = new Map(Object.entries(options.aliases ?? {}));
    this.#fields = options.fields ?? `${kind} fields`;
    for (const definition of builtins) this.register(definition);
  }

  /**
   * Adds a definition.
   *
   * @throws {RangeError} when the name is taken
   */
  register(definition: D): void {
    if (this.#entries.has(definition.name) || this.#aliases.has(definition.name)) {
      throw new RangeError(
        `Cannot register ${this.kind}: name "${definition.name}" is already registered`,
      );
    }
    this.#entries.set(definition.name, definition);
  }

  /** Whether `name` (or an alias) is registered. */
  has(name: string): boolean {
    return this.#entries.has(this.#aliases.get(name) ?? name);
  }

  /**
   * The definition registered under `name` (or an alias).
   *
   * @throws {RangeError} naming the unknown entry and the known ones
   */
  get(name: string): D {
    const definition = this.#entries.get(this.#aliases.get(name) ?? name);
    if (!definition) {
      throw new RangeError(
        `Unknown ${this.kind} "${name}": expected one of ${this.names().join(", ")}`,
      );
    }
    return definition;
  }

  /** Every registered name, built-ins first. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Every registered definition, built-ins first. */
  list(): D[] {
    return [...this.#entries.values()];
  }

  /**
   * Validates `fields` against the definition's schema, filling in defaults.
   *
   * @throws {RangeError} naming every bad field, its value and what was expected
   */
  resolve(name: string, fields: Fields = {}): Fields {
    const definition = this.get(name);
    const result = (definition.parameters as FieldSchema).safeParse(fields);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) =>
      describeIssue(fields, issue, definition.name)
    );
    throw new RangeError(`Invalid ${this.#fields}: ${problems.join("; ")}`);
  }

  /** The plain-data source a Worker rebuilds the entry from (fields resolved here, once). */
  source(name: string, fields: Fields = {}): DefinitionSource {
    const definition = this.get(name);
    const params = this.resolve(definition.name, fields);
    return {
      name: definition.name,
      params,
      ...(definition.module ? { module: definition.module } : {}),
    };
  }
}
