import assert from "node:assert/strict";
import {
  completeTopology,
  DEFAULT_SPECTRAL_TOLERANCE,
  DENSE_SPECTRUM_MAX_NODES,
  erdosRenyiTopology,
  exponentialTopology,
  type Graph,
  gridTopology,
  hypercubeTopology,
  lazy,
  maxDegreeWeights,
  metropolisHastings,
  mixingFromMatrix,
  type MixingMatrix,
  NON_SYMMETRIC_DENSE_MAX_NODES,
  pathTopology,
  readEdgeListFile,
  ringTopology,
  spectralAnalysis,
  type SpectralOptions,
  starTopology,
  torusTopology,
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

// ---------------------------------------------------------------------------------------------
// Dense versus Lanczos
// ---------------------------------------------------------------------------------------------

/** Lanczos (forced) agrees with the dense decomposition within 1e-8 and its own bound. */
function assertLanczosMatchesDense(w: MixingMatrix, label: string): void {
  const dense = spectralAnalysis(w, { method: "dense" });
  const iterative = spectralAnalysis(w, { method: "lanczos" });
  assert.equal(dense.method, "dense");
  assert.equal(dense.tolerance, 0);
  assert.equal(iterative.method, "lanczos");
  assert.equal(iterative.tolerance, DEFAULT_SPECTRAL_TOLERANCE, `${label}: did not converge`);
  for (const key of ["lambda2", "lambdaN", "lambda", "gap"] as const) {
    const error = Math.abs(iterative[key] - dense[key]);
    assert.ok(
      error <= 1e-8 && error <= iterative.tolerance,
      `${label} ${key}: lanczos ${iterative[key]} vs dense ${dense[key]} (error ${error})`,
    );
  }
}

const GENERATORS: readonly [string, () => Graph][] = [
  ["ring(500)", () => ringTopology(500)],
  ["ring(301)", () => ringTopology(301)],
  ["path(400)", () => pathTopology(400)],
  ["complete(150)", () => completeTopology(150)],
  ["star(400)", () => starTopology(400)],
  ["torus(20×20)", () => torusTopology(20, 20)],
  ["grid(16×25)", () => gridTopology(16, 25)],
  ["hypercube(8)", () => hypercubeTopology(8)],
  ["erdos-renyi(400, 0.02)", () => erdosRenyiTopology(400, 0.02, 1)],
  ["exponential(400)", () => exponentialTopology(400)],
];

for (const [name, build] of GENERATORS) {
  Deno.test(`spectralAnalysis() by Lanczos matches dense on ${name}`, () => {
    const graph = build();
    assertLanczosMatchesDense(metropolisHastings(graph), `${name} MH`);
    assertLanczosMatchesDense(maxDegreeWeights(graph), `${name} max-degree`);
    assertLanczosMatchesDense(lazy(metropolisHastings(graph)), `${name} lazy MH`);
  });
}

Deno.test("spectralAnalysis() by Lanczos matches dense on the edge-list test graphs", async () => {
  const data = new URL("../data/topologies/", import.meta.url);
  const readme = await Deno.readTextFile(new URL("README.md", data));
  const files = [...readme.matchAll(/^\| (\S+\.(?:edges|txt)) \|/gm)].map((match) => match[1]);
  assert.equal(files.length, 7);
  for (const file of files) {
    const graph = await readEdgeListFile(new URL(file, data));
    assertLanczosMatchesDense(metropolisHastings(graph), file);
    assertLanczosMatchesDense(lazy(metropolisHastings(graph)), `${file} lazy`);
  }
});

Deno.test("spectralAnalysis() by Lanczos on a ring of 20,000 matches the closed form", () => {
  const n = 20_000;
  const result = spectralAnalysis(metropolisHastings(ringTopology(n)));
  assert.equal(result.method, "lanczos");
  assert.equal(result.tolerance, 1e-9);
  const lambda2 = 1 / 3 + (2 / 3) * Math.cos((2 * Math.PI) / n);
  const lambdaN = 1 / 3 + (2 / 3) * Math.cos((2 * Math.PI * Math.floor(n / 2)) / n);
  assert.ok(1 - lambda2 < 1e-7, "the gap is tiny: λ2 is clustered near 1");
  assertClose(result.lambda2, lambda2, "λ2");
  assertClose(result.lambdaN, lambdaN, "λN");
  assertClose(result.lambda, lambda2, "λ");
  assertClose(result.gap, 1 - lambda2, "gap");
});

Deno.test("spectralAnalysis() picks dense up to 400 nodes and Lanczos above", () => {
  const at = (n: number) => spectralAnalysis(metropolisHastings(ringTopology(n))).method;
  assert.equal(DENSE_SPECTRUM_MAX_NODES, 400);
  assert.equal(at(400), "dense");
  assert.equal(at(401), "lanczos");
});

Deno.test("spectralAnalysis() by Lanczos is deterministic", () => {
  const w = metropolisHastings(erdosRenyiTopology(600, 0.01, 3));
  assert.deepEqual(spectralAnalysis(w), spectralAnalysis(w));
});

/** W' = 2I − W: symmetric, rows sum to 1, negative entries; the all-ones vector is now λN. */
function reflected(w: MixingMatrix): MixingMatrix {
  const rows = w.rows.map((row, i) => ({
    indices: row.indices,
    weights: row.indices.map((j, k) => (j === i ? 2 : 0) - row.weights[k]),
  }));
  return { nodes: w.nodes, rows };
}

/** c·W: symmetric, W1 = c1 ≠ 1. */
function scaled(w: MixingMatrix, c: number): MixingMatrix {
  const rows = w.rows.map((row) => ({
    indices: row.indices,
    weights: row.weights.map((x) => c * x),
  }));
  return { nodes: w.nodes, rows };
}

Deno.test("spectralAnalysis() by Lanczos deflates a computed top eigenvector when W1 ≠ 1 or W ≱ 0", () => {
  assertLanczosMatchesDense(
    scaled(metropolisHastings(erdosRenyiTopology(300, 0.03, 2)), 0.9),
    "0.9 W",
  );
  assertLanczosMatchesDense(scaled(metropolisHastings(ringTopology(120)), 0.5), "0.5 W ring");
  const flipped = reflected(metropolisHastings(exponentialTopology(200)));
  assertLanczosMatchesDense(flipped, "2I − W");
  assertClose(spectralAnalysis(flipped, { method: "lanczos" }).lambdaN, 1, "λN of 2I − W");
});

Deno.test("spectralAnalysis() by Lanczos reports the achieved residual when capped", () => {
  const n = 2000;
  const result = spectralAnalysis(metropolisHastings(ringTopology(n)), { maxIterations: 40 });
  assert.equal(result.method, "lanczos");
  assert.ok(result.tolerance > 1e-9 && result.tolerance < 1, `tolerance ${result.tolerance}`);
  const lambda2 = 1 / 3 + (2 / 3) * Math.cos((2 * Math.PI) / n);
  assert.ok(result.lambda2 <= lambda2 + 1e-12, "a Ritz value never exceeds λ2");
  const loose = spectralAnalysis(metropolisHastings(ringTopology(n)), { tolerance: 1e-3 });
  assert.equal(loose.tolerance, 1e-3);
  assert.ok(Math.abs(loose.lambda2 - lambda2) <= 1e-3);
});

/** The directed cycle ½(I + shift): doubly stochastic, not symmetric. */
function directedCycle(n: number): MixingMatrix {
  const rows = Array.from({ length: n }, (_, i) => {
    const next = (i + 1) % n;
    return next > i
      ? { indices: [i, next], weights: [0.5, 0.5] }
      : { indices: [next, i], weights: [0.5, 0.5] };
  });
  return { nodes: n, rows };
}

Deno.test("spectralAnalysis() on a non-symmetric W: dense up to 3000 nodes, then an error", () => {
  const medium = spectralAnalysis(directedCycle(500));
  assert.equal(medium.method, "dense");
  // Eigenvalues ½(1 + e^{2πik/n}): the second largest modulus is |1 + e^{2πi/n}|/2 = cos(π/n).
  assertClose(medium.lambda, Math.cos(Math.PI / 500), "λ");
  assert.throws(
    () => spectralAnalysis(directedCycle(NON_SYMMETRIC_DENSE_MAX_NODES + 1)),
    (error: Error) =>
      error instanceof RangeError &&
      /^Cannot analyse mixing matrix: the spectrum of a non-symmetric W is only supported up to 3000 nodes \(dense\), received 3001 nodes with W\[0\]\[1\] = 0\.5 but W\[1\]\[0\] = 0/
        .test(error.message),
  );
  assert.throws(
    () => spectralAnalysis(directedCycle(5), { method: "lanczos" }),
    /^RangeError: Cannot analyse mixing matrix: the Lanczos method needs a symmetric W, received W\[0\]\[1\] = 0\.5 but W\[1\]\[0\] = 0$/,
  );
});

Deno.test("spectralAnalysis() rejects bad options and non-finite weights", () => {
  const w = metropolisHastings(ringTopology(6));
  const bad = (options: SpectralOptions, pattern: RegExp) =>
    assert.throws(() => spectralAnalysis(w, options), pattern);
  bad({ method: "qr" as "auto" }, /method must be "auto", "dense" or "lanczos", received "qr"/);
  bad({ tolerance: 0 }, /tolerance must be a finite number > 0, received 0/);
  bad({ tolerance: NaN }, /tolerance must be a finite number > 0, received NaN/);
  bad({ maxIterations: 0 }, /maxIterations must be an integer ≥ 1, received 0/);
  bad({ maxIterations: 2.5 }, /maxIterations must be an integer ≥ 1, received 2\.5/);
  const broken = mixingFromMatrix([[0.5, NaN], [0.5, 0.5]]);
  assert.throws(
    () => spectralAnalysis(broken),
    /^RangeError: Cannot analyse mixing matrix: W\[0\]\[1\] must be a finite number, received NaN$/,
  );
});

Deno.test("spectralAnalysis() by Lanczos handles 2 and 3 nodes and exact invariant subspaces", () => {
  assertLanczosMatchesDense(mixingFromMatrix([[0.5, 0.5], [0.5, 0.5]]), "2 averaging");
  assertLanczosMatchesDense(mixingFromMatrix([[0, 1], [1, 0]]), "swap");
  assertLanczosMatchesDense(uniformWeights(completeTopology(3)), "complete(3)");
  assertLanczosMatchesDense(uniformWeights(ringTopology(5)), "ring(5)");
  assertLanczosMatchesDense(metropolisHastings(hypercubeTopology(3)), "hypercube(3)");
});
