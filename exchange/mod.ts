/**
 * The exchange seam: the four stages every message of a run passes through, in both engines.
 * *Route* says who node i hears from and sends to at step t, with the weights of its mix;
 * *encode* turns a payload into what its receivers get and counts its exact bytes; *aggregate*
 * folds the individual values a node received into one (after Byzantine senders' messages to
 * honest nodes are forged, in runs that have them) — and a federated server's robust rules
 * replace the mean of a round's uploads; *transport* (the actor engine's, see
 * `@gossim/gossim/unstable`) carries commands and payloads between hosts.
 *
 * @module
 */
export * from "./route.ts";
export * from "./encode.ts";
export * from "./aggregate.ts";
export {
  type Attack,
  type AttackDefinition,
  byzantineNodes,
  type ForgeContext,
  type ForgeSite,
  forgeValues,
  type HonestMoments,
  honestMoments,
} from "./attack.ts";
export * from "./registry.ts";
export * from "./server_aggregate.ts";
export * from "./server_registry.ts";
export * from "./schedule_registry.ts";
export {
  blockRoute,
  exponentialOffsets,
  outListsOf,
  type ScheduleContext,
  type ScheduleDefinition,
  sortedRow,
} from "./schedule.ts";
export { nominalRates, ProbeReplay, ProbeWatch } from "./probe_replay.ts";
