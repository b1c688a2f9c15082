/**
 * The experiment layer: the config schema, {@linkcode runSimulation} (trials, repeats,
 * sweeps, statistics), the run directory, and the sequential engine (the lock-step oracle).
 *
 * @module
 */
export * from "./config.ts";
export * from "./resolve_config.ts";
export * from "./run_simulation.ts";
export * from "./setup.ts";
export * from "./trials.ts";
export * from "./run_directory.ts";
export * from "./sequential.ts";
export * from "./sequential_federated.ts";
export * from "./version.ts";
