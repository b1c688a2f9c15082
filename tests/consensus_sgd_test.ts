import assert from "node:assert/strict";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { quadraticProblem } from "../problems/quadratic.ts";
import { constantWeights } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";

// Seed 004's 5-agent ring with 0.34 on self and 0.33 on each neighbour; heterogeneous
// quadratics so every agent has its own optimum.
const nodes = 5;
const centres = Array.from({ length: nodes }, (_, i) => [i, -i, 2 * i, 1 - i]);
const problem = quadraticProblem({ nodes, dim: 4, b: centres, seed: 4 });
const mixing = constantWeights(ringTopology(nodes), 0.34, 0.33);

function finalConsensusDistance(name: string, parameters: Record<string, unknown>): number {
  const result = runDecentralized({
    problem,
    algorithm: createAlgorithm(name, { alpha: 0.05, ...parameters }) as DecentralizedAlgorithm,
    mixing,
    steps: 400,
    seed: 1,
    evalEvery: 400,
  });
  return result.rows[0].consensusDistance;
}

Deno.test("gCDSGD: ω = 1 leaves every agent at its own optimum", () => {
  const result = runDecentralized({
    problem,
    algorithm: createAlgorithm("gcdsgd", { alpha: 0.05, omega: 1 }) as DecentralizedAlgorithm,
    mixing,
    steps: 400,
    seed: 1,
  });
  for (let i = 0; i < nodes; i++) {
    const x = result.models[i];
    for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k] - centres[i][k]) < 1e-6);
  }
  assert.ok(result.rows.at(-1)!.consensusDistance > 1);
});

Deno.test("gCDSGD: consensus distance falls as ω falls", () => {
  const distances = [1, 0.5, 0.1, 0.01].map((omega) => finalConsensusDistance("gcdsgd", { omega }));
  for (let i = 1; i < distances.length; i++) {
    assert.ok(distances[i] < distances[i - 1], `ω sequence gave ${distances}`);
  }
  assert.ok(distances.at(-1)! < 0.01 * distances[0], `${distances}`);
});

Deno.test("iCDSGD: consensus distance decreases as τ grows (τ = 1, 2, 5)", () => {
  const distances = [1, 2, 5].map((tau) => finalConsensusDistance("icdsgd", { tau }));
  assert.ok(distances[1] < distances[0] && distances[2] < distances[1], `${distances}`);
});

Deno.test("iCDSGD sends τ times the messages of CDSGD", () => {
  const messages = (tau: number) =>
    runDecentralized({
      problem,
      algorithm: createAlgorithm("icdsgd", { tau }) as DecentralizedAlgorithm,
      mixing,
      steps: 3,
      seed: 1,
    }).rows.at(-1)!.messages;
  assert.equal(messages(1), 3 * nodes * 2);
  assert.equal(messages(5), 5 * messages(1));
});

Deno.test("CDMSGD momentum forms: Nesterov, heavy ball and look-ahead all reach consensus optimum region", () => {
  for (const momentumForm of ["nesterov", "heavy-ball", "lookahead"]) {
    const result = runDecentralized({
      problem,
      algorithm: createAlgorithm("cdmsgd", {
        alpha: 0.01,
        momentum: 0.9,
        momentumForm,
      }) as DecentralizedAlgorithm,
      mixing,
      steps: 600,
      seed: 1,
    });
    const first = result.rows[0].gradNormSq, last = result.rows.at(-1)!.gradNormSq;
    assert.ok(last < 0.05 * first, `${momentumForm}: ‖∇f(x̄)‖² ${first} → ${last}`);
  }
});

Deno.test("degree of consensus (best − worst node accuracy) shrinks as gCDSGD's ω falls", async () => {
  const { runSimulation } = await import("./_fit.ts");
  const spread = async (omega: number) => {
    const result = await runSimulation({
      algorithms: [{ name: "gcdsgd", params: { alpha: 0.5, omega } }],
      nodes: 5,
      topology: { type: "ring" },
      mixing: { rule: "constant", self: 0.34, neighbor: 0.33 },
      problem: { type: "logistic", dim: 5, heterogeneity: 3, samplesPerNode: 40 },
      steps: 200,
      evalEvery: 200,
      seed: 2,
    });
    const row = result.runs[0].rows[0];
    assert.ok(row.nodeAccuracyMean !== null && row.accuracySpread !== null);
    return row.accuracySpread!;
  };
  const independent = await spread(1), coupled = await spread(0.05);
  assert.ok(coupled < independent, `spread ω=0.05: ${coupled}, ω=1: ${independent}`);
});

Deno.test("weightedSumInto's fused passes give the plain loop's bits, signed zeros included", async () => {
  const { weightedSumInto } = await import("../algorithms/algorithm.ts");
  const { Rng } = await import("../random.ts");
  const rng = new Rng(3, "weighted-sum");
  for (let count = 0; count <= 6; count++) {
    const vectors = Array.from(
      { length: count },
      () =>
        Float64Array.from(
          { length: 40 },
          (_, k) => k % 7 === 0 ? -0 : rng.normal() * 10 ** rng.int(6),
        ),
    );
    const weights = Array.from({ length: count }, () => rng.next());
    const plain = new Float64Array(40);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 40; k++) plain[k] += weights[i] * vectors[i][k];
    }
    const fused = weightedSumInto(new Float64Array(40).fill(7), vectors, weights);
    plain.forEach((value, k) =>
      assert.ok(Object.is(fused[k], value), `${count} terms, entry ${k}`)
    );
  }
});
