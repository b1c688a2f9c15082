import assert from "node:assert/strict";
import {
  completeTopology,
  constantWeights,
  erdosRenyiTopology,
  exponentialTopology,
  type Graph,
  graphFromEdges,
  graphOfMixing,
  gridTopology,
  hypercubeTopology,
  lazy,
  maxDegreeWeights,
  metropolisHastings,
  mixingFromMatrix,
  mixingFromSpec,
  type MixingMatrix,
  mixingWeight,
  pathTopology,
  ringTopology,
  starTopology,
  toDense,
  torusTopology,
  uniformWeights,
  validateMixing,
} from "../topologies/mod.ts";

const everyGenerator: Graph[] = [
  ringTopology(7),
  pathTopology(5),
  completeTopology(6),
  starTopology(6),
  torusTopology(3, 4),
  gridTopology(3, 3),
  hypercubeTopology(3),
  erdosRenyiTopology(10, 0.3, 1),
  exponentialTopology(10),
];

/** Rows store the node itself and its neighbours, ascending. */
function assertRowsFollowGraph(matrix: MixingMatrix, graph: Graph): void {
  matrix.rows.forEach((row, i) => {
    const expected = [...graph.neighbors[i], i].sort((a, b) => a - b);
    assert.deepEqual(row.indices, expected, `row ${i} indices`);
  });
}

function throwsRange(build: () => unknown, message: RegExp): void {
  assert.throws(
    build,
    (error: unknown) => error instanceof RangeError && message.test(error.message),
  );
}

Deno.test("metropolisHastings() is doubly stochastic and symmetric on every generator", () => {
  for (const graph of everyGenerator) {
    const w = metropolisHastings(graph);
    validateMixing(w, graph);
    assertRowsFollowGraph(w, graph);
    const dense = toDense(w);
    dense.forEach((row, i) => row.forEach((v, j) => assert.equal(v, dense[j][i], graph.name)));
  }
});

Deno.test("metropolisHastings() uses 1/(1 + max degree) on edges", () => {
  const w = metropolisHastings(starTopology(4));
  assert.equal(mixingWeight(w, 0, 2), 1 / 4);
  assert.equal(mixingWeight(w, 2, 2), 1 - 1 / 4);
  assert.equal(mixingWeight(w, 1, 2), 0);
});

Deno.test("uniformWeights() puts 1/3 everywhere on a ring and rejects irregular graphs", () => {
  const graph = ringTopology(5);
  const w = uniformWeights(graph);
  validateMixing(w, graph);
  assert.deepEqual(w.rows[0], { indices: [0, 1, 4], weights: [1 / 3, 1 / 3, 1 / 3] });
  throwsRange(
    () => uniformWeights(starTopology(4)),
    /graph star\(4\) is not regular, node 1 has degree 1 but node 0 has degree 3/,
  );
});

Deno.test("maxDegreeWeights() on a star puts 1/n on edges and the rest on the diagonal", () => {
  const graph = starTopology(6);
  const w = maxDegreeWeights(graph);
  validateMixing(w, graph);
  assert.equal(mixingWeight(w, 3, 0), 1 / 6);
  assert.equal(mixingWeight(w, 3, 3), 1 - 1 / 6);
  assert.ok(Math.abs(mixingWeight(w, 0, 0) - 1 / 6) < 1e-15);
});

Deno.test("constantWeights() builds the seed-004 ring and rejects rows not summing to 1", () => {
  const graph = ringTopology(5);
  const w = constantWeights(graph, 0.34, 0.33);
  validateMixing(w, graph);
  assert.deepEqual(w.rows[4], { indices: [0, 3, 4], weights: [0.33, 0.33, 0.34] });
  throwsRange(() => constantWeights(starTopology(4), 0.34, 0.33), /row 0 sums to .*expected 1/);
  throwsRange(() => constantWeights(graph, -0.1, 0.55), /self must be .* received -0\.1/);
});

Deno.test("lazy() keeps double stochasticity and halves off-diagonal weights", () => {
  for (const graph of everyGenerator) {
    const w = metropolisHastings(graph);
    const l = lazy(w);
    validateMixing(l, graph);
    assert.equal(mixingWeight(l, 0, 0), (mixingWeight(w, 0, 0) + 1) / 2);
    const j = graph.neighbors[0][0];
    assert.equal(mixingWeight(l, 0, j), mixingWeight(w, 0, j) / 2);
  }
});

Deno.test("mixingFromMatrix() stores self, neighbours and non-zeros, ascending", () => {
  const graph = pathTopology(3);
  const w = mixingFromMatrix([[0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]], graph);
  validateMixing(w, graph);
  assert.deepEqual(w.rows[1], { indices: [0, 1, 2], weights: [0.5, 0, 0.5] });
  assert.deepEqual(graphOfMixing(w).neighbors, graph.neighbors);
  const inferred = mixingFromMatrix([[1, 0], [0, 1]]);
  assert.deepEqual(inferred.rows, [{ indices: [0], weights: [1] }, { indices: [1], weights: [1] }]);
  throwsRange(() => mixingFromMatrix([[1, 0], [0]]), /row 1 has length 1, expected 2/);
  throwsRange(() => mixingFromMatrix([[1]], graph), /matrix has 1 rows but graph path\(3\)/);
});

Deno.test("validateMixing() names a row that does not sum to 1", () => {
  const w = mixingFromMatrix([[0.5, 0.5], [0.5, 0.4]]);
  throwsRange(
    () => validateMixing(w, pathTopology(2)),
    /^Invalid mixing matrix: row 1 sums to 0\.9, expected 1 \(±1e-9\)$/,
  );
});

Deno.test("validateMixing() names a column that does not sum to 1", () => {
  // Rows sum to 1 but column 0 gets 0.6 + 0.6.
  const w = mixingFromMatrix([[0.6, 0.4], [0.6, 0.4]]);
  throwsRange(() => validateMixing(w, pathTopology(2)), /column 0 sums to 1\.2, expected 1/);
});

Deno.test("validateMixing() names a negative entry", () => {
  const w = mixingFromMatrix([[1.1, -0.1], [-0.1, 1.1]]);
  throwsRange(() => validateMixing(w, pathTopology(2)), /W\[0\]\[1\] = -0\.1 is negative/);
});

Deno.test("validateMixing() names an entry off the graph", () => {
  const graph = pathTopology(3);
  const w = mixingFromMatrix([[0.5, 0.3, 0.2], [0.3, 0.7, 0], [0.2, 0, 0.8]], graph);
  throwsRange(
    () => validateMixing(w, graph),
    /W\[0\]\[2\] = 0\.2 but nodes 0 and 2 are not neighbours/,
  );
});

Deno.test("validateMixing() rejects non-finite entries, wrong sizes and bad tolerance", () => {
  const graph = pathTopology(2);
  throwsRange(
    () => validateMixing(mixingFromMatrix([[NaN, 0.5], [0.5, 0.5]]), graph),
    /W\[0\]\[0\] = NaN is not finite/,
  );
  throwsRange(
    () => validateMixing(metropolisHastings(ringTopology(3)), graph),
    /has 3 nodes but graph path\(2\) has 2/,
  );
  throwsRange(() => validateMixing(metropolisHastings(graph), graph, -1), /received -1/);
  const missingSelf: MixingMatrix = {
    nodes: 2,
    rows: [{ indices: [1], weights: [1] }, { indices: [0], weights: [1] }],
  };
  throwsRange(() => validateMixing(missingSelf, graph), /row 0 does not include its own index/);
});

Deno.test("validateMixing() rejects a disconnected graph", () => {
  const graph = graphFromEdges(4, [[0, 1], [2, 3]]);
  throwsRange(
    () => validateMixing(metropolisHastings(graph), graph),
    /graph custom is not connected, node 2 cannot be reached from node 0/,
  );
});

Deno.test("validateMixing() honours the tolerance", () => {
  const w = mixingFromMatrix([[0.5, 0.5], [0.5, 0.5 + 1e-6]]);
  throwsRange(() => validateMixing(w, pathTopology(2)), /row 1 sums to/);
  validateMixing(w, pathTopology(2), 1e-5);
});

Deno.test("mixingFromSpec() builds and validates each rule", () => {
  const ring = ringTopology(5);
  assert.deepEqual(mixingFromSpec({ rule: "uniform" }, ring), uniformWeights(ring));
  assert.deepEqual(mixingFromSpec({ rule: "metropolis-hastings" }, ring), metropolisHastings(ring));
  assert.deepEqual(
    mixingFromSpec({ rule: "max-degree", lazy: true }, ring),
    lazy(maxDegreeWeights(ring)),
  );
  assert.deepEqual(
    mixingFromSpec({ rule: "constant", self: 0.34, neighbor: 0.33 }, ring),
    constantWeights(ring, 0.34, 0.33),
  );
  const path = pathTopology(2);
  const custom = mixingFromSpec({ rule: "custom", matrix: [[0.5, 0.5], [0.5, 0.5]] }, path);
  assert.deepEqual(toDense(custom), [[0.5, 0.5], [0.5, 0.5]]);
  throwsRange(
    () => mixingFromSpec({ rule: "custom", matrix: [[0.5, 0.5], [0.5, 0.4]] }, path),
    /row 1 sums to 0\.9/,
  );
  assert.throws(
    () => mixingFromSpec({ rule: "constant", self: 0.5 }, ring),
    /neighbor is required/,
  );
  throwsRange(() => mixingFromSpec({ rule: "bogus" } as never, ring), /received bogus/);
});

Deno.test("mixingWeight() returns 0 for absent entries and checks its indices", () => {
  const w = metropolisHastings(ringTopology(6));
  assert.equal(mixingWeight(w, 0, 3), 0);
  throwsRange(() => mixingWeight(w, 0, 6), /j must be an integer in \[0, 6\), received 6/);
});
