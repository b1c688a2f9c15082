/**
 * The schedule registry: a config's `schedule.type` → its {@linkcode ScheduleDefinition} (one
 * file each under `exchange/schedules/`) → the run's route. `static` (the config's topology
 * and mixing rule) is the default.
 *
 * @module
 */
import { type DefinitionSource, type Fields, Registry } from "../definitions.ts";
import type { Route } from "./route.ts";
import type { ScheduleContext, ScheduleDefinition } from "./schedule.ts";
import { staticSchedule } from "./schedules/static.ts";
import { onePeerExponential } from "./schedules/one_peer_exponential.ts";
import { staticExponential } from "./schedules/static_exponential.ts";
import { randomMatching } from "./schedules/random_matching.ts";
import { erdosRenyiRedraw } from "./schedules/erdos_renyi_redraw.ts";
import { directedRing } from "./schedules/directed_ring.ts";
import { kOut } from "./schedules/k_out.ts";

/** The schedules, by name (`directed-exponential` is `static-exponential`'s other name). */
export const schedules: Registry<ScheduleDefinition> = new Registry<ScheduleDefinition>(
  "schedule",
  [
    staticSchedule,
    onePeerExponential,
    staticExponential,
    randomMatching,
    erdosRenyiRedraw,
    directedRing,
    kOut,
  ] as ScheduleDefinition[],
  { aliases: { "directed-exponential": "static-exponential" }, fields: "schedule fields" },
);

/**
 * Adds a schedule type.
 *
 * @throws {RangeError} when the name is taken
 */
export function registerSchedule<P>(definition: ScheduleDefinition<P>): void {
  schedules.register(definition as unknown as ScheduleDefinition);
}

/** A schedule as plain data: its type and its own fields. */
export type ScheduleSpec = { readonly type: string } & Fields;

/**
 * The route a schedule spec describes, for a run with `context`.
 *
 * @throws {RangeError} naming an unknown type, a bad field, or a value the run cannot meet
 */
export function routeFromSchedule(spec: ScheduleSpec, context: ScheduleContext): Route {
  const { type, ...fields } = spec;
  const definition = schedules.get(type);
  return definition.create(schedules.resolve(type, fields), context);
}

/** The resolved source of a schedule spec (defaults filled in), as a config records it. */
export function resolveSchedule(spec: ScheduleSpec): DefinitionSource {
  const { type, ...fields } = spec;
  return schedules.source(type, fields);
}
