// An actor-engine run as the tests state it: the problem, algorithm, W (and route or exchange)
// and whatever else the test is about; the rest is a fault-free sync run's defaults.
import { type ActorRunOptions, type ActorRunResult, runActors } from "../actors/engine.ts";
import { scenarioSchema } from "../actors/scenario.ts";

/** The defaults a test may override, and `network` as a scenario file writes it. */
type Defaulted = "scenario" | "mode" | "timeout" | "missing" | "staleness" | "federated";

/** An actor run's options, with the defaulted ones optional. */
export type ActorTestOptions =
  & Omit<ActorRunOptions, Defaulted>
  & Partial<Omit<Pick<ActorRunOptions, Defaulted>, "scenario">>
  & { network?: Record<string, unknown> };

/** Runs the actor engine: sync, deadline 1 s, missing "stale", one local step, no faults. */
export function runActorTest(
  { network = {}, ...options }: ActorTestOptions,
): Promise<ActorRunResult> {
  return runActors({
    scenario: scenarioSchema.parse(network),
    mode: "sync",
    timeout: 1,
    missing: "stale",
    staleness: 2,
    federated: { localSteps: 1, participation: 1, weighting: "uniform" },
    ...options,
  });
}
