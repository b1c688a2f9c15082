/**
 * {@linkcode resolveConfig}: a user's config validated once — the schema, then every registry
 * entry (algorithms, the problem, the topology, the exchange's encoder and aggregator) against
 * its registry — and every default filled in, or a {@linkcode ConfigError} listing every
 * problem at once.
 *
 * @module
 */
import { schedules, type ScheduleSpec } from "../exchange/schedule_registry.ts";
import { describeIssue } from "../_describe_issue.ts";
import { getAlgorithm, resolveHyperparameters } from "../algorithms/registry.ts";
import { checkTopology } from "../topologies/registry.ts";
import { deepFreeze } from "../_deep_freeze.ts";
import { contradictions, ignoredFields } from "./config_checks.ts";
import { bufferedIgnoredFields, bufferedRefusals } from "./buffered_checks.ts";
import {
  getProblem,
  listProblems,
  precisionIssue,
  type ProblemSource,
  resolvedSpecOf,
} from "../problems/registry.ts";
import {
  aggregators,
  attacks,
  DEFAULT_EXCHANGE,
  encoders,
  type ExchangeSources,
} from "../exchange/registry.ts";
import { serverAggregators } from "../exchange/server_registry.ts";
import type { Definition, Registry } from "../definitions.ts";
import { algorithmEntry, configSchema, exchangeSchema } from "./config_schema.ts";
import {
  ConfigError,
  type SimulationConfig,
  type SimulationInput,
  type TopologyConfig,
} from "./config.ts";

/** The problem's spec checked against its registered type's schema, defaults filled in. */
function resolveProblem(
  input: { type: string } & Record<string, unknown>,
  problems: string[],
): ProblemSource["spec"] | null {
  let definition;
  try {
    definition = getProblem(input.type);
  } catch {
    const known = listProblems().map((d) => d.name).join(", ");
    problems.push(`problem.type = ${JSON.stringify(input.type)}: expected one of ${known}`);
    return null;
  }
  const { type: _type, precision, ...fields } = input;
  if ("backend" in fields) {
    problems.push(`problem.backend: unknown field; set the config's top-level "backend"`);
    return null;
  }
  const parsed = definition.parameters.safeParse(fields);
  const bad = precisionIssue(precision);
  if (bad) problems.push(`problem.precision: ${bad}`);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(fields, issue, "problem")));
  }
  if (!parsed.success || bad) return null;
  return resolvedSpecOf(definition, parsed.data as Record<string, unknown>, precision);
}

/** The topology checked against its registered type's schema, defaults filled in. */
function resolveTopology(raw: unknown, problems: string[]): TopologyConfig | null {
  const input = raw as { type?: unknown } | undefined;
  // A topology that is not an object, or whose type is not a string, the schema reported.
  if (typeof input?.type !== "string") return input === undefined ? { type: "ring" } : null;
  const check = checkTopology(input as { type: string });
  problems.push(...check.problems);
  return check.spec;
}

/** The algorithm entries checked against the algorithm registry, defaults filled in. */
function resolveAlgorithms(entries: typeof algorithmEntry._output[], problems: string[]) {
  return entries.flatMap((entry, index) => {
    const name = typeof entry === "string" ? entry : entry.name;
    const params = typeof entry === "string" ? {} : entry.params;
    try {
      const canonical = getAlgorithm(name).name;
      return [{ name: canonical, params: resolveHyperparameters(canonical, params) }];
    } catch (error) {
      problems.push(`algorithms.${index}: ${(error as Error).message}`);
      return [];
    }
  });
}

/**
 * The encoder, aggregator, server aggregator and attack checked against their registries,
 * defaults filled in; a module given (a run directory's config records it) must be the one
 * that registered the stage.
 */
function resolveStages(
  entries: typeof exchangeSchema._output | undefined,
  problems: string[],
): ExchangeSources | null {
  if (!entries) return null;
  const stage = (
    field: string,
    entry: typeof entries.encoder,
    registry: Registry<Definition<unknown>>,
  ) => {
    const { name, params, module } = typeof entry === "string"
      ? { name: entry, params: {}, module: undefined }
      : entry;
    try {
      const source = registry.source(name, params);
      if (module === undefined || module === source.module) return source;
      problems.push(
        `exchange.${field}.module = ${JSON.stringify(module)}: ${registry.kind} "${name}" is ` +
          `registered by ${source.module ? JSON.stringify(source.module) : "gossim itself"}`,
      );
    } catch (error) {
      problems.push(`exchange.${field}: ${(error as Error).message}`);
    }
    return null;
  };
  const encoder = stage("encoder", entries.encoder, encoders);
  const aggregator = stage("aggregator", entries.aggregator, aggregators);
  const server = stage("server", entries.server, serverAggregators);
  const given = entries.byzantine;
  const attack = given && stage("byzantine.attack", given.attack, attacks);
  if (!encoder || !aggregator || !server || (given && !attack)) return null;
  if (!given || !attack) return { encoder, aggregator, server, byzantine: null };
  const { nodes, fraction } = given;
  return {
    encoder,
    aggregator,
    server,
    byzantine: { ...(nodes ? { nodes } : {}), ...(fraction ? { fraction } : {}), attack },
  };
}

/** An aggregator the user chose although no algorithm of the run mixes what nodes receive. */
function unusedAggregator(input: unknown, config: SimulationConfig): string[] {
  const given = (input as { exchange?: { aggregator?: unknown } })?.exchange?.aggregator;
  const set = given !== undefined &&
    JSON.stringify(config.exchange.aggregator) !== JSON.stringify(DEFAULT_EXCHANGE.aggregator);
  const mixes = config.algorithms.some((a) => getAlgorithm(a.name).kind === "decentralized");
  const why = "federated servers combine the uploads by the algorithm's own rule; the " +
    "aggregator folds what a decentralized node received, and no algorithm of this run mixes";
  return set && !mixes ? [`exchange.aggregator: ${why}`] : [];
}

/**
 * The schedule checked against its registered type's schema, defaults filled in; a topology
 * or mixing rule the user set is refused when the schedule builds its own graph (`given`: the
 * config as written, null for a recorded one).
 */
function resolveScheduleEntry(
  raw: unknown,
  given: unknown,
  problems: string[],
): ScheduleSpec | null {
  const { type, ...fields } = (raw ?? { type: "static" }) as { type?: unknown };
  if (typeof type !== "string") return null;
  if (!schedules.has(type)) {
    problems.push(
      `schedule.type = ${JSON.stringify(type)}: expected one of ${schedules.names().join(", ")}`,
    );
    return null;
  }
  try {
    const definition = schedules.get(type);
    const parsed = definition.parameters.safeParse(fields);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((issue) => describeIssue(fields, issue, "schedule")),
      );
      return null;
    }
    const spec = { type: definition.name, ...(parsed.data as Record<string, unknown>) };
    if (!definition.usesTopology && given && typeof given === "object") {
      for (const field of ["topology", "mixing"]) {
        if (field in given) {
          problems.push(
            `${field}: not used by schedule "${definition.name}", which builds its own graph and weights`,
          );
        }
      }
    }
    return spec;
  } catch (error) {
    problems.push(`schedule: ${(error as Error).message}`);
    return null;
  }
}

/** The part of `input` at `field`, validated by `schema` on its own (when the whole failed). */
function part<T>(input: unknown, field: string, schema: { safeParse(v: unknown): { data?: T } }) {
  return schema.safeParse((input as Record<string, unknown> | undefined)?.[field]).data;
}

/**
 * Validates a user's config and fills in every default. A run directory's `config.json`
 * (resolved, with gossim's `version`) is accepted as it is, so any run can be rerun.
 *
 * @param input the parsed JSON (or an object built in code)
 * @returns the resolved config
 * @throws {ConfigError} listing every problem at once
 */
export function resolveConfig(given: SimulationInput | unknown): SimulationConfig {
  // A config this process resolved (and froze) is not validated again.
  if (resolved.has(given as object)) return given as SimulationConfig;
  // A run directory's config.json records gossim's version beside the resolved fields: every
  // field is present there because it was resolved, not because a user set it.
  const recorded = typeof (given as { version?: unknown })?.version === "string";
  const input = recorded ? withoutVersion(given as Record<string, unknown>) : given;
  const parsed = configSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => describeIssue(input, issue));
  const algorithms = resolveAlgorithms(
    parsed.success
      ? parsed.data.algorithms
      : part(input, "algorithms", algorithmEntry.array()) ?? [],
    problems,
  );
  const raw = parsed.success ? parsed.data.problem : (input as { problem?: unknown })?.problem;
  const problem = typeof (raw as { type?: unknown })?.type === "string"
    ? resolveProblem(raw as { type: string }, problems)
    : null;
  const topology = resolveTopology(
    parsed.success ? parsed.data.topology : (input as { topology?: unknown })?.topology,
    problems,
  );
  const schedule = resolveScheduleEntry(
    parsed.success ? parsed.data.schedule : (input as { schedule?: unknown })?.schedule,
    recorded ? null : input,
    problems,
  );
  const exchange = resolveStages(
    parsed.success ? parsed.data.exchange : part(input, "exchange", exchangeSchema.prefault({})),
    problems,
  );
  if (problems.length || !parsed.success || !problem || !topology || !exchange || !schedule) {
    throw new ConfigError(problems);
  }
  const config: SimulationConfig = {
    ...parsed.data,
    algorithms,
    problem,
    topology,
    schedule,
    exchange,
  };
  defaults ??= configSchema.parse({});
  problems.push(
    ...contradictions(config),
    ...bufferedRefusals(config),
    ...(recorded ? [] : [
      ...ignoredFields(input, config, defaults),
      ...bufferedIgnoredFields(input, config, defaults),
      ...unusedAggregator(input, config),
    ]),
  );
  if (problems.length) throw new ConfigError(problems);
  resolved.add(deepFreeze(config));
  return config;
}

/** The configs this process resolved: frozen, so they stay valid. */
const resolved = new WeakSet<object>();

/** The resolved config of `{}`: what "not set" means for a field. */
let defaults: unknown;

function withoutVersion(config: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, ...rest } = config;
  return rest;
}
