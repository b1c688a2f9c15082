/**
 * The default run of `deno task sim` with no flags: seed 000's Theorem-1 problem, then a
 * 5-node ring logistic regression, decentralized AMSGrad against DADAM on both; then the actor
 * engine on a network with a straggler, drops and a crash, sync against async, and how to
 * watch a longer version of it live.
 *
 * @module
 */

/** Theorem 1 of seed 000: two nodes, DADAM stops at 0.4365, decentralized AMSGrad at 0.5. */
export const THEOREM_1 = {
  name: "theorem-1",
  nodes: 2,
  topology: { type: "complete" },
  mixing: { rule: "uniform" },
  problem: { type: "quadratic", dim: 1, a: [[1], [1]], b: [[0], [1]] },
  algorithms: ["dadam", "decentralized-amsgrad"].map((name) => ({
    name,
    params: {
      alpha: 0.001,
      beta1: 0,
      beta2: 0,
      epsilon: 0.6,
      ...(name === "dadam" ? { beta3: 0 } : {}),
    },
  })),
  steps: 20_000,
  evalEvery: 1_000,
};

/** A 5-node ring logistic regression, heterogeneous data. */
export const RING_LOGISTIC = {
  name: "ring-logistic",
  nodes: 5,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  algorithms: [
    { name: "decentralized-amsgrad", params: { alpha: 0.01 } },
    { name: "dadam", params: { alpha: 0.01 } },
  ],
  steps: 500,
  evalEvery: 50,
};

/**
 * The actor engine on a misbehaving 8-node ring (lognormal latency, 10% drops, node 2 five
 * times slower, node 5 down from 5 s to 10 s), run in sync then async mode: sync waits at
 * each barrier for the straggler and, up to its 0.2 s deadline, for lost messages; async
 * does not wait and pays in staleness. `examples/stragglers.json` is a longer version.
 */
export const STRAGGLERS: { name: string; [field: string]: unknown }[] = (["sync", "async"] as const)
  .map((mode) => ({
    name: `stragglers, ${mode}`,
    nodes: 8,
    topology: { type: "ring" },
    problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
    algorithms: [
      { name: "decentralized-amsgrad", params: { alpha: 0.01 } },
      { name: "dgd", params: { alpha: 0.05 } },
    ],
    steps: 300,
    evalEvery: 10,
    engine: "actors",
    mode,
    ...(mode === "sync" ? { timeout: 0.2 } : {}),
    network: {
      latency: { type: "lognormal", mu: -5, sigma: 1 },
      dropProbability: 0.1,
      compute: { type: "exponential", mean: 0.01 },
      stragglers: { nodes: [2], slowdown: 5 },
      crashes: [{ node: 5, at: 5, rejoin: 10 }],
    },
  }));

/** The last line of the default run: how to watch the straggler scenario live. */
export const LIVE_HINT =
  "Watch it live in your browser: deno task sim --config examples/stragglers.json --serve";
