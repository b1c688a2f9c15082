/**
 * The default run of `deno task sim` with no flags: seed 000's Theorem-1 problem, then a
 * 5-node ring logistic regression, decentralized AMSGrad against DADAM on both.
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
