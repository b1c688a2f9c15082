import assert from "node:assert/strict";
import { routeFromSchedule, schedules } from "../exchange/schedule_registry.ts";
import type { Route } from "../exchange/route.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { completeTopology, ringTopology, torusTopology } from "../topologies/generators.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";

function context(nodes: number, seed = 0) {
  const graph = nodes === 16
    ? torusTopology(4, 4)
    : nodes < 3
    ? completeTopology(nodes)
    : ringTopology(nodes);
  return { nodes, seed, graph: () => graph, mixing: () => metropolisHastings(graph) };
}

/** W_t as a dense matrix, from the route's rows. */
function dense(route: Route, t: number): number[][] {
  const w = Array.from({ length: route.nodes }, () => new Array(route.nodes).fill(0));
  for (let i = 0; i < route.nodes; i++) {
    const { indices, weights } = route.inbound(i, t);
    indices.forEach((j, k) => (w[i][j] = weights[k]));
  }
  return w;
}

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}

const sums = (w: number[][]) => ({
  rows: w.map((row) => row.reduce((a, b) => a + b, 0)),
  columns: w[0].map((_, j) => w.reduce((a, row) => a + row[j], 0)),
});

Deno.test("every schedule's W_t is column stochastic, and doubly stochastic when it says so; sends match receives", () => {
  for (const name of schedules.names()) {
    for (const nodes of [2, 5, 16]) {
      const fields = name === "k-out" ? { k: Math.min(2, nodes - 1) } : {};
      if (name === "erdos-renyi-redraw" && nodes === 2) continue;
      const route = routeFromSchedule({ type: name, ...fields }, context(nodes, 3));
      for (const t of [1, 2, 3, 7, 11]) {
        const w = dense(route, t), { rows, columns } = sums(w);
        for (const c of columns) {
          assert.ok(Math.abs(c - 1) < 1e-12, `${name} N=${nodes} column ${c}`);
        }
        if (route.stochastic === "doubly") {
          for (const r of rows) assert.ok(Math.abs(r - 1) < 1e-12, `${name} N=${nodes} row ${r}`);
        }
        for (let i = 0; i < nodes; i++) {
          // i sends to j exactly when j's row hears from i.
          const heard = [...Array(nodes).keys()].filter((j) => j !== i && w[j][i] > 0);
          assert.deepEqual(route.outbound(i, t), heard, `${name} N=${nodes} t=${t} node ${i}`);
          const { indices } = route.inbound(i, t);
          assert.deepEqual(indices, [...indices].sort((a, b) => a - b));
          assert.ok(indices.includes(i));
        }
        if (route.symmetric) {
          w.forEach((row, i) => row.forEach((v, j) => assert.equal(v, w[j][i])));
        }
      }
    }
  }
});

Deno.test("one-peer exponential, N a power of two: any τ consecutive W_t multiply to exactly 11ᵀ/N", () => {
  for (const nodes of [2, 4, 8, 16, 32]) {
    const route = routeFromSchedule({ type: "one-peer-exponential" }, context(nodes));
    const tau = Math.log2(nodes);
    for (const start of [1, 2, 1 + tau]) {
      let product = dense(route, start);
      for (let t = start + 1; t < start + tau; t++) product = multiply(dense(route, t), product);
      for (const row of product) for (const v of row) assert.equal(v, 1 / nodes);
    }
  }
  // Not a power of two: τ steps do not average exactly.
  const route = routeFromSchedule({ type: "one-peer-exponential" }, context(6));
  let product = dense(route, 1);
  for (let t = 2; t <= 3; t++) product = multiply(dense(route, t), product);
  assert.ok(product.flat().some((v) => Math.abs(v - 1 / 6) > 1e-3));
});

Deno.test("random matching: symmetric, edges of the base graph only, redrawn each step from the seed", () => {
  const ctx = context(16, 9);
  const route = routeFromSchedule({ type: "random-matching" }, ctx);
  const again = routeFromSchedule({ type: "random-matching" }, ctx);
  const base = ctx.graph();
  let changes = 0;
  for (let t = 1; t <= 20; t++) {
    for (let i = 0; i < 16; i++) {
      const out = route.outbound(i, t);
      assert.ok(out.length <= 1);
      for (const j of out) assert.ok(base.neighbors[i].includes(j));
      assert.deepEqual(again.outbound(i, t), out);
      if (t > 1 && route.outbound(i, t)[0] !== route.outbound(i, t - 1)[0]) changes++;
    }
    // Maximal: no base edge joins two unmatched nodes.
    for (let i = 0; i < 16; i++) {
      if (route.outbound(i, t).length) continue;
      for (const j of base.neighbors[i]) assert.equal(route.outbound(j, t).length, 1);
    }
  }
  assert.ok(changes > 20);
});

Deno.test("k-out: k distinct out-neighbours, strongly connected; k ≥ N is refused naming the field", () => {
  const route = routeFromSchedule({ type: "k-out", k: 3 }, context(12, 5));
  for (let i = 0; i < 12; i++) {
    const out = route.outbound(i, 1);
    assert.equal(new Set(out).size, 3);
    assert.ok(!out.includes(i));
  }
  assert.equal(route.stochastic, "column");
  assert.throws(
    () => routeFromSchedule({ type: "k-out", k: 12 }, context(12)),
    /schedule\.k = 12: expected at most nodes − 1 = 11/,
  );
  assert.throws(() => routeFromSchedule({ type: "k-out", k: 0 }, context(12)), /k/);
  assert.throws(
    () => routeFromSchedule({ type: "erdos-renyi-redraw", every: 0 }, context(12)),
    /every/,
  );
  assert.throws(() => routeFromSchedule({ type: "nope" }, context(12)), /Unknown schedule "nope"/);
});

Deno.test("a schedule drives both engines: DGD and gradient tracking on three schedules, bit-identical", async () => {
  const spec = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
  const ring = ringTopology(8);
  const mixing = metropolisHastings(ring);
  for (const type of ["one-peer-exponential", "random-matching", "erdos-renyi-redraw"]) {
    const route = () =>
      routeFromSchedule({ type }, { nodes: 8, seed: 2, graph: () => ring, mixing: () => mixing });
    for (const name of ["dgd", "gradient-tracking"]) {
      const problem = createProblem(spec, 8, 2);
      const algorithm = createAlgorithm(name, { alpha: 0.05 }) as DecentralizedAlgorithm;
      const options = { problem, algorithm, mixing, steps: 15, seed: 2, evalEvery: 5 };
      const seq = runDecentralized({ ...options, route: route() });
      const act = await runActorTest({
        problem: createProblem(spec, 8, 2),
        algorithm: { name, params: { alpha: 0.05 } },
        mixing,
        route: route(),
        steps: 15,
        seed: 2,
        evalEvery: 5,
        workers: 3,
      });
      assert.deepEqual(act.models, seq.models, `${name} on ${type}`);
      seq.rows.forEach((row, k) => {
        assert.equal(act.rows[k].loss, row.loss);
        assert.equal(act.rows[k].messages, row.messages);
        assert.equal(act.rows[k].bytes, row.bytes);
        assert.equal(act.rows[k].mixingRate, row.mixingRate);
      });
      // The static ring's run differs: the schedule was used.
      const fixed = runDecentralized(options);
      assert.notEqual(fixed.rows.at(-1)!.loss, seq.rows.at(-1)!.loss);
    }
  }
});

Deno.test("async on a changing schedule: each pushed value is mixed once; same bytes with 1, 2 and 5 Workers, with drops", async () => {
  const ring = ringTopology(8);
  const run = (workers: number, algorithm: string) =>
    runActorTest({
      problem: createProblem({ type: "logistic", dim: 4, batchSize: 5 }, 8, 5),
      algorithm: { name: algorithm, params: { alpha: 0.05 } },
      mixing: metropolisHastings(ring),
      route: routeFromSchedule({ type: "one-peer-exponential" }, {
        nodes: 8,
        seed: 5,
        graph: () => ring,
        mixing: () => metropolisHastings(ring),
      }),
      steps: 40,
      seed: 5,
      evalEvery: 10,
      network: { dropProbability: 0.2, compute: { type: "exponential", mean: 0.01 } },
      mode: "async",
      missing: algorithm === "sgp" ? "drop" : "renormalize",
      workers,
    });
  for (const algorithm of ["dgd", "sgp", "gradient-tracking"]) {
    const [one, two, five] = [
      await run(1, algorithm),
      await run(2, algorithm),
      await run(5, algorithm),
    ];
    assert.deepEqual(two.rows, one.rows);
    assert.deepEqual(five.rows, one.rows);
    assert.deepEqual(five.models, one.models);
    assert.ok(Number.isFinite(one.rows.at(-1)!.loss), algorithm);
    assert.ok(one.network.droppedLoss > 0);
  }
});
