// Shared test scenarios carry fields for every kind of algorithm and mode; a run refuses
// fields it would ignore, so each test run keeps only those its algorithms and mode use.
import { getAlgorithm } from "../algorithms/registry.ts";
import {
  runSimulation as run,
  type SimulationOptions,
  type SimulationResult,
} from "../simulation/mod.ts";

/** `config` without the federated fields when no algorithm is federated, and vice versa. */
export function fit(config: Record<string, unknown>): Record<string, unknown> {
  const names = ((config.algorithms ?? ["decentralized-amsgrad", "dadam"]) as unknown[]).map((
    entry,
  ) => typeof entry === "string" ? entry : (entry as { name: string }).name);
  const kinds = new Set(names.map((name) => {
    try {
      return getAlgorithm(name).kind;
    } catch {
      return "unknown";
    }
  }));
  const { federated, topology, mixing, timeout, staleness, missing, ...rest } = config;
  const mode = config.mode ?? "sync";
  const decentralizedOnly = !kinds.has("federated");
  return {
    ...rest,
    ...(timeout !== undefined && !(decentralizedOnly && mode === "async") ? { timeout } : {}),
    ...(staleness !== undefined && mode === "bounded" ? { staleness } : {}),
    ...(missing !== undefined && mode === "sync" ? { missing } : {}),
    ...(kinds.has("federated") && federated !== undefined ? { federated } : {}),
    ...(kinds.has("decentralized") && topology !== undefined ? { topology } : {}),
    ...(kinds.has("decentralized") && mixing !== undefined ? { mixing } : {}),
  };
}

/** runSimulation on the fitted config. */
export function runSimulation(
  config: Record<string, unknown>,
  options?: SimulationOptions,
): Promise<SimulationResult> {
  return run(fit(config), options);
}
