import assert from "node:assert/strict";
import {
  completeTopology,
  hypercubeTopology,
  lazy,
  metropolisHastings,
  mixingFromMatrix,
  pathTopology,
  ringTopology,
  spectralAnalysis,
  uniformWeights,
} from "../topologies/mod.ts";

function assertClose(actual: number, expected: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9, `${label}: ${actual} ≠ ${expected}`);
}

Deno.test("spectralAnalysis() matches the closed form on a ring of 5 with weights 1/3", () => {
  const { lambda2, lambdaN, lambda, gap } = spectralAnalysis(uniformWeights(ringTopology(5)));
  const expected2 = 1 / 3 + (2 / 3) * Math.cos((2 * Math.PI) / 5);
  const expectedN = 1 / 3 + (2 / 3) * Math.cos((4 * Math.PI) / 5);
  assertClose(lambda2, expected2, "λ2");
  assertClose(lambdaN, expectedN, "λN");
  assertClose(lambda, expected2, "λ");
  assertClose(gap, 1 - expected2, "gap");
});

Deno.test("spectralAnalysis() gives λ = 0 and gap 1 on a complete graph with uniform weights", () => {
  const { lambda, gap, lambda2, lambdaN } = spectralAnalysis(uniformWeights(completeTopology(6)));
  assertClose(lambda, 0, "λ");
  assertClose(gap, 1, "gap");
  assertClose(lambda2, 0, "λ2");
  assertClose(lambdaN, 0, "λN");
});

Deno.test("spectralAnalysis() gives λ = 0 for two nodes averaging", () => {
  const w = mixingFromMatrix([[0.5, 0.5], [0.5, 0.5]], pathTopology(2));
  const { lambda, gap } = spectralAnalysis(w);
  assertClose(lambda, 0, "λ");
  assertClose(gap, 1, "gap");
});

Deno.test("spectralAnalysis() of a lazy ring has λN ≥ 0", () => {
  for (const nodes of [4, 5, 8]) {
    const { lambdaN, lambda, lambda2 } = spectralAnalysis(
      lazy(uniformWeights(ringTopology(nodes))),
    );
    assert.ok(lambdaN >= -1e-12, `ring(${nodes}): λN = ${lambdaN}`);
    assertClose(lambda, lambda2, `ring(${nodes}) λ`);
  }
});

Deno.test("spectralAnalysis() reports λ = 1 for a periodic (bipartite swap) matrix", () => {
  const { lambdaN, lambda, gap } = spectralAnalysis(mixingFromMatrix([[0, 1], [1, 0]]));
  assertClose(lambdaN, -1, "λN");
  assertClose(lambda, 1, "λ");
  assertClose(gap, 0, "gap");
});

Deno.test("spectralAnalysis() of the hypercube with Metropolis–Hastings weights", () => {
  // W = (I + A)/(d + 1) on the d-cube; eigenvalues (1 + d − 2k)/(d + 1), k = 0..d.
  const { lambda2, lambdaN, lambda } = spectralAnalysis(metropolisHastings(hypercubeTopology(3)));
  assertClose(lambda2, 2 / 4, "λ2");
  assertClose(lambdaN, -2 / 4, "λN");
  assertClose(lambda, 1 / 2, "λ");
});

Deno.test("spectralAnalysis() takes moduli of complex eigenvalues for a non-symmetric W", () => {
  // A doubly stochastic, non-symmetric matrix: 1/2 I + 1/2 (cyclic shift) on 3 nodes.
  // Eigenvalues 1/2 + 1/2 ω^k; for k = 1, 2 their modulus is |1 + ω|/2 = 1/2.
  const w = mixingFromMatrix([[0.5, 0.5, 0], [0, 0.5, 0.5], [0.5, 0, 0.5]]);
  const { lambda2, lambdaN, lambda } = spectralAnalysis(w);
  assertClose(lambda2, 0.25, "Re λ2");
  assertClose(lambdaN, 0.25, "Re λN");
  assertClose(lambda, 0.5, "λ");
});

Deno.test("spectralAnalysis() needs at least 2 nodes", () => {
  assert.throws(
    () => spectralAnalysis(mixingFromMatrix([[1]])),
    /needs at least 2 nodes, received 1/,
  );
});
