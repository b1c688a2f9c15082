import { PRECISIONS } from "../vector.ts";
import assert from "node:assert/strict";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import {
  type AdaptiveState,
  amsgradRule,
  decentralize,
  type SecondMomentRule,
} from "../algorithms/decentralized_adaptive.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { theorem1Problem } from "../problems/registry.ts";
import { quadraticProblem } from "../problems/quadratic.ts";
import { mixingFromMatrix } from "../topologies/mixing_from_matrix.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { erdosRenyiTopology } from "../topologies/generators.ts";

// Seed 000, Theorem 1: β1 = β2 = β3 = 0, ε = 0.6, α = 0.001, x_1 = 0, W = ½ everywhere.
const theorem1 = { alpha: 0.001, beta1: 0, beta2: 0, epsilon: 0.6 };
const halfHalf = mixingFromMatrix([[0.5, 0.5], [0.5, 0.5]]);

function finalAverage(name: string, parameters: Record<string, number>): number {
  const result = runDecentralized({
    problem: theorem1Problem(),
    algorithm: createAlgorithm(name, parameters) as DecentralizedAlgorithm,
    mixing: halfHalf,
    steps: 20_000,
    seed: 0,
    evalEvery: 20_000,
  });
  return (result.models[0][0] + result.models[1][0]) / 2;
}

Deno.test("Theorem 1: DADAM converges to the weighted point 1/(1 + 1/√0.6), not 0.5", () => {
  const x = finalAverage("dadam", { ...theorem1, beta3: 0 });
  const weighted = 1 / (1 + 1 / Math.sqrt(0.6));
  assert.ok(Math.abs(x - weighted) < 1e-3, `DADAM x̄ = ${x}, expected ${weighted} ± 1e-3`);
  assert.ok(Math.abs(weighted - 0.4365) < 1e-4);
  assert.ok(Math.abs(x - 0.5) > 0.05, `DADAM x̄ = ${x} is too close to 0.5`);
});

Deno.test("Theorem 1: decentralized AMSGrad converges to the true optimum 0.5", () => {
  const x = finalAverage("decentralized-amsgrad", theorem1);
  assert.ok(Math.abs(x - 0.5) < 1e-3, `decentralized AMSGrad x̄ = ${x}, expected 0.5 ± 1e-3`);
});

Deno.test("decentralized AMSGrad tracks the average of v̂: mean(ũ) = mean(v̂) every step", () => {
  const nodes = 6, dim = 5;
  const problem = quadraticProblem({ nodes, dim, heterogeneity: 2, noise: 1, seed: 7 });
  const mixing = metropolisHastings(erdosRenyiTopology(nodes, 0.5, 7));
  let checked = 0;
  runDecentralized({
    problem,
    algorithm: createAlgorithm("decentralized-amsgrad", { alpha: 0.01 }) as DecentralizedAlgorithm,
    mixing,
    steps: 300,
    seed: 3,
    evalEvery: 300,
    onStep(t, states) {
      const s = states as AdaptiveState[];
      for (let k = 0; k < dim; k++) {
        const meanU = s.reduce((sum, state) => sum + state.utilde[k], 0) / nodes;
        const meanV = s.reduce((sum, state) => sum + state.vhat[k], 0) / nodes;
        const relative = Math.abs(meanU - meanV) / Math.abs(meanV);
        assert.ok(relative <= 1e-6, `step ${t}, coordinate ${k}: ${meanU} vs ${meanV}`);
        checked++;
      }
    },
  });
  assert.equal(checked, 300 * dim);
});

Deno.test("DADAM's adaptive rates disagree on Theorem 1, decentralized AMSGrad's agree", () => {
  const disagreement = (name: string, parameters: Record<string, number>) =>
    runDecentralized({
      problem: theorem1Problem(),
      algorithm: createAlgorithm(name, parameters) as DecentralizedAlgorithm,
      mixing: halfHalf,
      steps: 100,
      seed: 0,
      evalEvery: 100,
    }).rows[0].rateDisagreement!;
  assert.ok(disagreement("dadam", { ...theorem1, beta3: 0 }) > 0.1);
  assert.ok(disagreement("decentralized-amsgrad", theorem1) < 1e-12);
});

for (const precision of PRECISIONS) {
  Deno.test(`AMSGrad's fused local step gives bit for bit the framework's three steps (${precision})`, () => {
    const fused = amsgradRule(0.99);
    const { fusedStep: _fused, ...plain } = fused;
    assert.ok(fused.fusedStep !== undefined && !("fusedStep" in plain));
    const options = { alpha: 0.01, beta1: 0.9, epsilon: 1e-6 };
    const problem = {
      ...quadraticProblem({ nodes: 5, dim: 70, heterogeneity: 2, noise: 1, seed: 3 }),
      precision,
    };
    const run = (rule: SecondMomentRule) =>
      runDecentralized({
        problem,
        algorithm: decentralize("amsgrad-check", rule, options) as DecentralizedAlgorithm,
        mixing: metropolisHastings(erdosRenyiTopology(5, 0.6, 2)),
        steps: 40,
        seed: 5,
      });
    const a = run(fused), b = run(plain);
    assert.deepEqual(a.models, b.models);
    assert.deepEqual(
      a.rows.map((row) => row.rateDisagreement),
      b.rows.map((row) => row.rateDisagreement),
    );
    assert.notDeepEqual(a.models[0], problem.initialParams());
  });
}
