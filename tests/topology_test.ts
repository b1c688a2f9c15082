import assert from "node:assert/strict";
import {
  completeTopology,
  degree,
  edges,
  erdosRenyiTopology,
  exponentialTopology,
  type Graph,
  graphFromAdjacencyMatrix,
  graphFromEdges,
  graphFromNeighborLists,
  gridTopology,
  hypercubeTopology,
  isConnected,
  pathTopology,
  ringTopology,
  starTopology,
  topologyFromSpec,
  torusTopology,
} from "../topologies/mod.ts";

function degrees(graph: Graph): number[] {
  return graph.neighbors.map((_, i) => degree(graph, i));
}

/** Structural invariants every graph must satisfy. */
function assertWellFormed(graph: Graph): void {
  assert.equal(graph.neighbors.length, graph.nodes);
  graph.neighbors.forEach((list, i) => {
    assert.ok(!list.includes(i), `node ${i} has a self loop`);
    list.forEach((j, k) => {
      if (k > 0) assert.ok(j > list[k - 1], `neighbours of ${i} not strictly ascending`);
      assert.ok(graph.neighbors[j].includes(i), `edge ${i}-${j} is not symmetric`);
    });
  });
}

Deno.test("ringTopology() gives n nodes of degree 2 and n edges", () => {
  const graph = ringTopology(7);
  assertWellFormed(graph);
  assert.equal(graph.nodes, 7);
  assert.deepEqual(degrees(graph), new Array(7).fill(2));
  assert.equal(edges(graph).length, 7);
  assert.deepEqual(graph.neighbors[0], [1, 6]);
  assert.ok(isConnected(graph));
});

Deno.test("pathTopology() has end degrees 1 and n − 1 edges", () => {
  const graph = pathTopology(5);
  assertWellFormed(graph);
  assert.deepEqual(degrees(graph), [1, 2, 2, 2, 1]);
  assert.equal(edges(graph).length, 4);
  assert.ok(isConnected(graph));
});

Deno.test("completeTopology() links every pair", () => {
  const graph = completeTopology(6);
  assertWellFormed(graph);
  assert.deepEqual(degrees(graph), new Array(6).fill(5));
  assert.equal(edges(graph).length, 15);
  assert.ok(isConnected(graph));
});

Deno.test("starTopology() has hub 0 of degree n − 1 and leaves of degree 1", () => {
  const graph = starTopology(6);
  assertWellFormed(graph);
  assert.deepEqual(degrees(graph), [5, 1, 1, 1, 1, 1]);
  assert.deepEqual(graph.neighbors[0], [1, 2, 3, 4, 5]);
  assert.equal(edges(graph).length, 5);
  assert.ok(isConnected(graph));
});

Deno.test("torusTopology() has degree 4 and 2·rows·cols edges when rows, cols ≥ 3", () => {
  const graph = torusTopology(3, 4);
  assertWellFormed(graph);
  assert.equal(graph.nodes, 12);
  assert.deepEqual(degrees(graph), new Array(12).fill(4));
  assert.equal(edges(graph).length, 24);
  assert.deepEqual(graph.neighbors[0], [1, 3, 4, 8]);
  assert.ok(isConnected(graph));
});

Deno.test("torusTopology() with a side of 2 does not double edges", () => {
  const graph = torusTopology(2, 3);
  assertWellFormed(graph);
  assert.deepEqual(degrees(graph), new Array(6).fill(3));
});

Deno.test("gridTopology() has no wrap-around", () => {
  const graph = gridTopology(3, 3);
  assertWellFormed(graph);
  assert.deepEqual(degrees(graph), [2, 3, 2, 3, 4, 3, 2, 3, 2]);
  assert.equal(edges(graph).length, 12);
  assert.ok(isConnected(graph));
  assert.deepEqual(degrees(gridTopology(1, 4)), [1, 2, 2, 1]);
});

Deno.test("hypercubeTopology() has 2^d nodes of degree d", () => {
  const graph = hypercubeTopology(3);
  assertWellFormed(graph);
  assert.equal(graph.nodes, 8);
  assert.deepEqual(degrees(graph), new Array(8).fill(3));
  assert.equal(edges(graph).length, 12);
  assert.deepEqual(graph.neighbors[5], [1, 4, 7]);
  assert.ok(isConnected(graph));
});

Deno.test("exponentialTopology() links i ± 2^k mod n", () => {
  const graph = exponentialTopology(10);
  assertWellFormed(graph);
  // k = 0..3: ±1, ±2, ±4, ±8 mod 10 → {1, 2, 4, 8, 9, 8, 6, 2} = {1, 2, 4, 6, 8, 9}
  assert.deepEqual(graph.neighbors[0], [1, 2, 4, 6, 8, 9]);
  assert.deepEqual(degrees(graph), new Array(10).fill(6));
  assert.ok(isConnected(graph));
  assert.deepEqual(exponentialTopology(2).neighbors, [[1], [0]]);
});

Deno.test("erdosRenyiTopology() is reproducible from its seed and always connected", () => {
  const a = erdosRenyiTopology(10, 0.3, 1);
  const b = erdosRenyiTopology(10, 0.3, 1);
  const c = erdosRenyiTopology(10, 0.3, 2);
  assertWellFormed(a);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.neighbors, c.neighbors);
  for (let seed = 0; seed < 20; seed++) {
    assert.ok(isConnected(erdosRenyiTopology(12, 0.25, seed)), `seed ${seed} not connected`);
  }
  assert.equal(edges(erdosRenyiTopology(6, 1, 3)).length, 15);
});

Deno.test("erdosRenyiTopology() reports a p too small to connect", () => {
  assert.throws(
    () => erdosRenyiTopology(40, 0.001, 1),
    (error: unknown) =>
      error instanceof RangeError && /no connected graph in 1000 attempts/.test(error.message) &&
      /p 0\.001/.test(error.message),
  );
});

Deno.test("generators reject bad arguments, naming the value", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => ringTopology(2), /Cannot build ring: nodes must be an integer ≥ 3, received 2/],
    [() => ringTopology(4.5), /received 4\.5/],
    [() => pathTopology(1), /Cannot build path: nodes .* received 1/],
    [() => completeTopology(0), /received 0/],
    [() => starTopology(-3), /received -3/],
    [() => torusTopology(1, 4), /Cannot build torus: rows .* received 1/],
    [() => gridTopology(3, 0), /Cannot build grid: cols .* received 0/],
    [() => gridTopology(1, 1), /at least 2 nodes, received 1×1/],
    [() => hypercubeTopology(0), /dimension must be an integer in \[1, 20\], received 0/],
    [() => exponentialTopology(NaN), /received NaN/],
    [() => erdosRenyiTopology(5, 0, 1), /p must be a number in \(0, 1\], received 0/],
    [() => erdosRenyiTopology(5, 1.5, 1), /received 1\.5/],
    [() => erdosRenyiTopology(5, 0.5, Infinity), /seed .* received Infinity/],
  ];
  for (const [build, message] of cases) assert.throws(build, message);
  assert.throws(() => ringTopology(2), RangeError);
});

Deno.test("graphFromEdges() builds sorted neighbour lists and validates edges", () => {
  const graph = graphFromEdges(4, [[2, 0], [0, 1], [3, 2]]);
  assertWellFormed(graph);
  assert.deepEqual(graph.neighbors, [[1, 2], [0], [0, 3], [2]]);
  assert.equal(graph.name, "custom");
  assert.throws(() => graphFromEdges(3, [[0, 3]]), /edge 0 has node 3, expected an integer in/);
  assert.throws(() => graphFromEdges(3, [[1, 1]]), /edge 0 is a self loop on node 1/);
  assert.throws(() => graphFromEdges(3, [[0, 1], [1, 0]]), /edge 1 \[1, 0\] is a duplicate/);
  assert.throws(() => graphFromEdges(0, []), /nodes must be an integer ≥ 1, received 0/);
  assert.throws(
    () => graphFromEdges(3, [[0]] as unknown as [number, number][]),
    TypeError,
  );
});

Deno.test("graphFromAdjacencyMatrix() validates shape, entries, symmetry and diagonal", () => {
  const graph = graphFromAdjacencyMatrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
  assert.deepEqual(graph.neighbors, [[1], [0, 2], [1]]);
  assert.deepEqual(graphFromAdjacencyMatrix([[false, true], [true, false]]).neighbors, [[1], [0]]);
  assert.throws(
    () => graphFromAdjacencyMatrix([[0, 1, 0], [1, 0, 1], [0, 1]]),
    /Cannot build graph: row 2 has length 2, expected 3/,
  );
  assert.throws(
    () => graphFromAdjacencyMatrix([[0, 1], [0, 0]]),
    /not symmetric, \[0\]\[1\] = 1 but \[1\]\[0\] = 0/,
  );
  assert.throws(() => graphFromAdjacencyMatrix([[1, 0], [0, 0]]), /\[0\]\[0\] is a self loop/);
  assert.throws(
    () => graphFromAdjacencyMatrix([[0, 0.5], [0.5, 0]]),
    /entry \[0\]\[1\] must be 0, 1, true or false, received 0\.5/,
  );
});

Deno.test("graphFromNeighborLists() requires symmetric lists", () => {
  assert.deepEqual(graphFromNeighborLists([[2, 1], [0], [0]]).neighbors, [[1, 2], [0], [0]]);
  assert.throws(
    () => graphFromNeighborLists([[1], []]),
    /node 0 lists neighbour 1, but node 1 does not list 0/,
  );
  assert.throws(() => graphFromNeighborLists([[5], []]), /node 0 lists neighbour 5/);
  assert.throws(() => graphFromNeighborLists([[0], []]), /node 0 lists itself/);
});

Deno.test("isConnected() detects a disconnected graph", () => {
  assert.equal(isConnected(graphFromEdges(4, [[0, 1], [2, 3]])), false);
  assert.equal(isConnected(graphFromEdges(1, [])), true);
});

Deno.test("topologyFromSpec() builds every type and reports missing fields", () => {
  assert.deepEqual(topologyFromSpec({ type: "ring", nodes: 5 }), ringTopology(5));
  assert.deepEqual(topologyFromSpec({ type: "grid", rows: 2, cols: 3 }), gridTopology(2, 3));
  assert.deepEqual(topologyFromSpec({ type: "hypercube", dimension: 2 }), hypercubeTopology(2));
  assert.deepEqual(
    topologyFromSpec({ type: "erdos-renyi", nodes: 8, p: 0.5, seed: 4 }),
    erdosRenyiTopology(8, 0.5, 4),
  );
  const custom = topologyFromSpec({ type: "custom", adjacency: [[0, 1], [1, 0]] });
  assert.deepEqual(custom.neighbors, [[1], [0]]);
  assert.throws(() => topologyFromSpec({ type: "ring" }), /"ring" from spec: nodes is required/);
  assert.throws(() => topologyFromSpec({ type: "custom", edges: [[0, 1]] }), /nodes is required/);
  assert.throws(() => topologyFromSpec({ type: "custom", nodes: 2 }), /exactly one of/);
  assert.throws(
    () => topologyFromSpec({ type: "moebius" } as never),
    /type must be one of .* received moebius/,
  );
});

Deno.test("Erdős–Rényi above 2,000 nodes: skip sampling keeps G(n, p)'s edge count and degrees", () => {
  const n = 5_000, p = 0.004;
  const graph = erdosRenyiTopology(n, p, 3);
  assert.deepEqual(erdosRenyiTopology(n, p, 3), graph, "seeded");
  const m = graph.neighbors.reduce((sum, list) => sum + list.length, 0) / 2;
  const mean = p * n * (n - 1) / 2, sigma = Math.sqrt(mean * (1 - p));
  assert.ok(
    Math.abs(m - mean) < 4 * sigma,
    `${m} edges, expected ${mean.toFixed(0)} ± ${sigma.toFixed(0)}`,
  );
  // Degrees are Binomial(n − 1, p): mean ≈ 20, variance ≈ 19.9.
  const degrees = graph.neighbors.map((list) => list.length);
  const average = degrees.reduce((a, b) => a + b, 0) / n;
  const variance = degrees.reduce((sum, d) => sum + (d - average) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(variance - (n - 1) * p * (1 - p)) < 2, `degree variance ${variance}`);
  assert.ok(graph.neighbors.every((list, i) => !list.includes(i)), "no self loops");
});
