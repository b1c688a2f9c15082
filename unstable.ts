/**
 * The engines' internals, for advanced use — writing an engine, a transport or a benchmark
 * against gossim's own building blocks. **Unstable**: these names may change in any minor
 * version; the stable surface is `@gossim/gossim` (`mod.ts`).
 *
 * - The one template of a node's iteration both engines call ({@linkcode DecentralizedNode})
 *   and the federated round's parts ({@linkcode trainClient}, {@linkcode participationSampler}).
 * - Payload operations ({@linkcode copyPayload}, {@linkcode mixPayloads}) and the vector memory
 *   where the SIMD kernels run ({@linkcode VectorMemory}).
 * - The actor engine's supervisor ({@linkcode Supervisor}), its transports
 *   ({@linkcode workerTransport}), the command protocol and the network model
 *   ({@linkcode Network}).
 *
 * @example A node's iteration by hand
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAlgorithm, createProblem, type DecentralizedAlgorithm } from "./mod.ts";
 * import { DecentralizedNode } from "./unstable.ts";
 * const problem = createProblem({ type: "quadratic", dim: 3 }, 2, 0);
 * const algorithm = createAlgorithm("dgd", { alpha: 0.1 }) as DecentralizedAlgorithm;
 * const node = new DecentralizedNode(problem, algorithm, 0, 0, problem.initialParams());
 * node.iterate(1);
 * assert.equal(node.params().length, 3);
 * ```
 *
 * @module
 */
export * from "./algorithms/iteration.ts";
export * from "./algorithms/federated_round.ts";
export * from "./algorithms/payload.ts";
export * from "./algorithms/vector_memory.ts";
export * from "./algorithms/node_failure.ts";
export * from "./exchange/node_exchange.ts";
export * from "./exchange/server_step.ts";
export { type Fate, Network } from "./actors/network.ts";
export type { Command, Snapshot, Target, WorkerSetup } from "./actors/protocol.ts";
export {
  acquireFromPool,
  defaultWorkers,
  placeNodes,
  Supervisor,
  type SupervisorOptions,
} from "./actors/supervisor.ts";
export type {
  HostFailure,
  HostReply,
  Transport,
  TransportChoice,
  TransportFactory,
} from "./actors/transport.ts";
export { type NodeActorApi, workerTransport } from "./actors/worker_transport.ts";
export { joinNats, type NatsHostsOptions, type NatsRun } from "./actors/nats_hosts.ts";
