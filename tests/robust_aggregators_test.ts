import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { aggregators, resolveExchange } from "../exchange/registry.ts";
import { neighbourhoodSizes } from "../exchange/aggregators/check.ts";
import type { Route } from "../exchange/route.ts";
import type { Payload } from "../algorithms/algorithm.ts";
import { buildSetup } from "../simulation/setup.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { ConfigError } from "../simulation/config.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";

/** Node 0's aggregate of `values` (per value: the coordinates of channel `x`). */
function aggregate(
  name: string,
  params: Record<string, unknown>,
  values: number[][],
  weights = values.map(() => 1 / values.length),
  self = 0,
): number[] {
  const source = aggregators.source(name, params);
  const aggregator = aggregators.get(name).create(source.params, 0);
  const payloads: Payload[] = values.map((v) => ({ x: Float64Array.from(v) }));
  const into: Payload = { x: new Float64Array(values[0].length) };
  aggregator.aggregate(into, payloads, weights, { node: 0, round: 0, self });
  return [...into.x];
}

/** `values` as one coordinate each (d = 1). */
const scalars = (values: number[]) => values.map((v) => [v]);

Deno.test("median: odd and even n, ties, zeros, all equal, n = 1, d = 1 and d = 2, NaN last", () => {
  assert.deepEqual(aggregate("median", {}, [[3, 0], [1, 0], [2, -1]]), [2, 0]);
  assert.deepEqual(aggregate("median", {}, scalars([4, 1, 3, 2])), [2.5]);
  assert.deepEqual(aggregate("median", {}, scalars([5, 5, 1])), [5]);
  assert.deepEqual(aggregate("median", {}, scalars([7, 7, 7, 7])), [7]);
  assert.deepEqual(aggregate("median", {}, scalars([0, -0, 0])), [0]);
  assert.deepEqual(aggregate("median", {}, scalars([-2])), [-2]);
  assert.deepEqual(aggregate("median", {}, scalars([NaN, 1, 2])), [2]);
  // Above the insertion-sort limit the typed-array sort gives the same order.
  const many = Array.from({ length: 41 }, (_, k) => (k * 17) % 41);
  assert.deepEqual(aggregate("median", {}, scalars(many)), [20]);
});

Deno.test("trimmed mean: b per side dropped, 2b = n − 1, b = 0, ties, zeros, NaN, n = 1", () => {
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([3, 1, 2])), [2]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([10, -1, 3, 3, 4])), [10 / 3]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([4, 1, 3, 2])), [2.5]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 2 }, scalars([5, 1, 4, 2, 3])), [3]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 0 }, scalars([1, 2, 6])), [3]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([6, 6, 6, 1])), [6]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([0, -0, 0])), [0]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([NaN, 1, 2])), [2]);
  assert.deepEqual(aggregate("trimmed-mean", { b: 0 }, scalars([9])), [9]);
  assert.deepEqual(aggregate("trimmed-mean", {}, [[1, 5], [2, 5], [30, 5]]), [2, 5]);
  // Too few values arrived to trim b per side: the own value is kept.
  assert.deepEqual(aggregate("trimmed-mean", { b: 1 }, scalars([1, 2]), [0.5, 0.5], 1), [2]);
  assert.throws(() => resolveExchange({ aggregator: { name: "trimmed-mean", params: { b: -1 } } }));
});

Deno.test("clipped gossip: a fixed τ clips each neighbour's difference, per channel", () => {
  // ‖(3, 4)‖ = 5 > 1: scaled to (0.6, 0.8); ‖(0.3, 0.4)‖ = 0.5 ≤ 1: kept.
  const out = aggregate("clipped-gossip", { tau: 1 }, [[0, 0], [3, 4], [0.3, 0.4]], [
    0.5,
    0.25,
    0.25,
  ]);
  assert.ok(Math.abs(out[0] - 0.225) < 1e-15 && Math.abs(out[1] - 0.3) < 1e-15, `${out}`);
  // All equal (every difference zero, CLIP(0, τ) = 0): unchanged; n = 1: the own value.
  assert.deepEqual(aggregate("clipped-gossip", { tau: 0.1 }, [[2, 3], [2, 3], [2, 3]]), [2, 3]);
  assert.deepEqual(aggregate("clipped-gossip", { tau: 0.1 }, [[4]], [1]), [4]);
  // Each channel is clipped by its own norm: y's difference is small, x's large.
  const aggregator = aggregators.get("clipped-gossip").create({ tau: 1, b: 1 }, 0);
  const values = [{ x: new Float64Array([0]), y: new Float64Array([0]) }, {
    x: new Float64Array([10]),
    y: new Float64Array([0.5]),
  }];
  const into = { x: new Float64Array(1), y: new Float64Array(1) };
  aggregator.aggregate(into, values, [0.5, 0.5], { node: 0, round: 0, self: 0 });
  assert.deepEqual([into.x[0], into.y[0]], [0.5, 0.25]);
});

Deno.test("clipped gossip: the adaptive τ clips the b farthest neighbours to the next one", () => {
  // Distances 1, 2, 10 (n = 4), b = 1: τ = 2, so 10 is clipped to 2: (0 + 1 + 2 + 2) / 4.
  assert.deepEqual(aggregate("clipped-gossip", {}, scalars([0, 1, 2, 10])), [1.25]);
  // The own value need not come first.
  assert.deepEqual(aggregate("clipped-gossip", {}, scalars([1, 10, 0, 2]), undefined, 2), [1.25]);
  // b = 2: τ = 1, the 2 farthest clipped to 1: (0 + 1 + 1 + 1) / 4.
  assert.deepEqual(aggregate("clipped-gossip", { b: 2 }, scalars([0, 1, 2, 10])), [0.75]);
  // No more than b neighbours: τ = 0, nothing moves the own value.
  assert.deepEqual(aggregate("clipped-gossip", { b: 1 }, scalars([3, 9]), [0.5, 0.5]), [3]);
  // Ties at the τ rank.
  assert.deepEqual(aggregate("clipped-gossip", {}, scalars([0, 2, -2, 2])), [0.5]);
});

Deno.test("the robust aggregate of honest values stays in their range, despite b outliers", () => {
  const rng = new Rng(11, "robust");
  for (let trial = 0; trial < 300; trial++) {
    const b = rng.int(3), honest = 2 * b + 1 + rng.int(4), d = 1 + rng.int(4);
    const values = Array.from(
      { length: honest },
      () => Array.from({ length: d }, () => rng.normal()),
    );
    const outliers = Array.from(
      { length: b },
      () => Array.from({ length: d }, () => rng.normal() * 1e6),
    );
    // The outliers anywhere among the values: at most b of n > 2b (trimmed), < n / 2 (median).
    const all = [...values, ...outliers].sort(() => rng.next() - 0.5);
    for (const [name, params] of [["trimmed-mean", { b }], ["median", {}]] as const) {
      const out = aggregate(name, params, all);
      for (let k = 0; k < d; k++) {
        const column = values.map((v) => v[k]);
        assert.ok(out[k] >= Math.min(...column) && out[k] <= Math.max(...column), name);
      }
    }
    // Clipped gossip moves the own value by at most τ (weights summing to 1).
    const tau = 0.01 + rng.next(), raw = all.map(() => 0.1 + rng.next());
    const total = raw.reduce((a, w) => a + w, 0), weights = raw.map((w) => w / total);
    const self = rng.int(all.length);
    const out = aggregate("clipped-gossip", { tau }, all, weights, self);
    const moved = Math.hypot(...out.map((v, k) => v - all[self][k]));
    assert.ok(moved <= tau * (1 + 1e-9), `moved ${moved} > τ ${tau}`);
  }
});

const ringConfig = (aggregator: unknown, nodes = 5) => ({
  nodes,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 4, heterogeneity: 1, batchSize: 5 },
  algorithms: ["dgd"],
  exchange: { aggregator },
  steps: 2,
  seed: 1,
});

Deno.test("impossible settings are refused before the run, naming the node", async () => {
  const refusal = async (aggregator: unknown) => {
    try {
      await buildSetup(resolveConfig(ringConfig(aggregator)));
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.message;
    }
    return "accepted";
  };
  assert.match(
    await refusal({ name: "trimmed-mean", params: { b: 2 } }),
    /exchange\.aggregator: trimmed-mean with b = 2 needs every neighbourhood larger than 4; node 0 has 3 \(itself and 2 neighbours\)/,
  );
  assert.match(
    await refusal({ name: "clipped-gossip", params: { b: 2 } }),
    /exchange\.aggregator: clipped-gossip with b = 2 \(adaptive τ\) needs every neighbourhood larger than 3; node 0 has 3/,
  );
  assert.equal(await refusal({ name: "trimmed-mean", params: { b: 1 } }), "accepted");
  assert.equal(await refusal({ name: "clipped-gossip", params: { b: 2, tau: 1 } }), "accepted");
  assert.equal(await refusal("median"), "accepted");
});

Deno.test("a changing route's neighbourhoods: the smallest over the steps checked", () => {
  const route = {
    nodes: 2,
    static: false,
    inbound: (i: number, t: number) => ({
      indices: t === 3 && i === 1 ? [1] : [0, 1],
      weights: [],
    }),
  } as unknown as Route;
  assert.deepEqual(neighbourhoodSizes(route, 10), [2, 1]);
  assert.deepEqual(neighbourhoodSizes(route, 2), [2, 2]);
});

const spec = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
const ring8 = metropolisHastings(ringTopology(8));

function engines(exchange: ReturnType<typeof resolveExchange>) {
  const common = { mixing: ring8, exchange, steps: 10, seed: 3, evalEvery: 2 };
  const sequential = runDecentralized({
    ...common,
    problem: createProblem(spec, 8, 3),
    algorithm: createAlgorithm("dgd", { alpha: 0.05 }) as DecentralizedAlgorithm,
  });
  const actors = runActorTest({
    ...common,
    problem: createProblem(spec, 8, 3),
    algorithm: { name: "dgd", params: { alpha: 0.05 } },
    timeout: 1e6,
    workers: 2,
  });
  return { sequential, actors };
}

for (
  const aggregator of [
    { name: "trimmed-mean", params: { b: 1 } },
    { name: "median", params: {} },
    { name: "clipped-gossip", params: { b: 1 } },
    { name: "clipped-gossip", params: { tau: 0.01 } },
  ]
) {
  Deno.test(`${aggregator.name} ${JSON.stringify(aggregator.params)}: both engines, bit for bit`, async () => {
    const plain = engines(resolveExchange()).sequential;
    const { sequential, actors } = engines(resolveExchange({ aggregator }));
    const act = await actors;
    // The robust rule is used: the trajectory leaves the weighted sum's.
    assert.notEqual(sequential.rows.at(-1)!.loss, plain.rows.at(-1)!.loss);
    assert.equal(act.rows.length, sequential.rows.length);
    sequential.rows.forEach((row, k) => {
      assert.equal(act.rows[k].loss, row.loss);
      assert.equal(act.rows[k].consensusDistance, row.consensusDistance);
      assert.equal(act.rows[k].mixingRate, row.mixingRate);
    });
    assert.deepEqual(act.models, sequential.models);
  });
}
