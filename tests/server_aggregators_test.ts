// The federated server's robust aggregators on hand-computed uploads: median, trimmed mean,
// Krum, multi-Krum, centered clipping (ties, zeros, equal values, d = 1, n = 1), and the
// settings refused before a run. Byzantine clients: tests/server_byzantine_test.ts.
import assert from "node:assert/strict";
import type { Payload } from "../algorithms/algorithm.ts";
import { weightedSumInto } from "../algorithms/algorithm.ts";
import { serverAggregators } from "../exchange/server_registry.ts";
import { clipStep } from "../exchange/server_aggregators/centered_clipping.ts";
import { Rng } from "../random.ts";
import { runCli } from "./_cli.ts";
import { buildMixing } from "../simulation/setup.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { ConfigError } from "../simulation/config.ts";

/** The named rule's aggregate of `uploads` (fields resolved), from a broadcast of zeros. */
function run(name: string, params: Record<string, unknown>, uploads: Payload[], round = 1) {
  const rule = serverAggregators.get(name).create(serverAggregators.resolve(name, params))!;
  const broadcast = { theta: new Float64Array(uploads[0].theta.length) };
  return rule.aggregate(uploads, { round, broadcast });
}

/** Uploads of one channel `theta` from rows of numbers. */
const thetas = (...rows: number[][]) => rows.map((row) => ({ theta: Float64Array.from(row) }));
const plain = (payload: Payload | null) =>
  payload && Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, [...v]]));

Deno.test("median: odd, even (mean of the middle two), ties, zeros, equal values, n = 1", () => {
  const uploads = thetas([1, 0, 7, -2], [5, 0, 7, 3], [3, 0, 7, 3]);
  assert.deepEqual(plain(run("median", {}, uploads)), { theta: [3, 0, 7, 3] });
  const even = thetas([1, 4], [2, 4], [3, 1], [10, 4]);
  assert.deepEqual(plain(run("median", {}, even)), { theta: [2.5, 4] });
  assert.deepEqual(plain(run("median", {}, thetas([-4]))), { theta: [-4] });
  const two = [
    { theta: Float64Array.of(1), v: Float64Array.of(8) },
    { theta: Float64Array.of(2), v: Float64Array.of(0) },
  ];
  assert.deepEqual(plain(run("median", {}, two)), { theta: [1.5], v: [4] }, "every channel");
});

Deno.test("trimmed-mean: ⌊βn⌋ dropped per side, the rest's mean; β = 0 is the mean; n = 1", () => {
  const uploads = thetas([1, 0], [2, 0], [3, 0], [100, 0]);
  assert.deepEqual(plain(run("trimmed-mean", { beta: 0.25 }, uploads)), { theta: [2.5, 0] });
  assert.deepEqual(plain(run("trimmed-mean", { beta: 0.2 }, uploads)), { theta: [26.5, 0] });
  assert.deepEqual(plain(run("trimmed-mean", { beta: 0 }, thetas([1], [2], [6]))), { theta: [3] });
  assert.deepEqual(plain(run("trimmed-mean", {}, thetas([9, -1]))), { theta: [9, -1] });
  const five = thetas([5], [1], [4], [2], [3]);
  assert.deepEqual(plain(run("trimmed-mean", { beta: 0.5 }, five)), { theta: [3] }, "= median");
  assert.equal(run("trimmed-mean", { beta: 0.5 }, uploads), null, "n = 2⌊βn⌋: nothing left");
});

Deno.test("krum: sums of squared distances to the n − f − 2 nearest; ties to the lower index", () => {
  // d = 1, f = 1: scores 5, 2, 2, 5, 4513, so upload 1 (tied with 2) wins.
  const line = thetas([0], [1], [2], [3], [50]);
  assert.deepEqual(plain(run("krum", { f: 1 }, line)), { theta: [1] });
  // f = 0, n = 3: one nearest each; uploads 0 and 1 tie at 1.
  assert.deepEqual(plain(run("krum", { f: 0 }, thetas([0], [1], [10]))), { theta: [0] });
  assert.deepEqual(plain(run("krum", { f: 0 }, thetas([4, 4], [4, 4], [4, 4]))), {
    theta: [4, 4],
  });
  // Distances over θ and v concatenated (5, 13, 2): upload 1 is picked whole.
  const both = [[5, 0], [6, 2], [7, 3]].map(([t, v]) => ({
    theta: Float64Array.of(t),
    v: Float64Array.of(v),
  }));
  assert.deepEqual(plain(run("krum", { f: 0 }, both)), { theta: [6], v: [2] });
  assert.equal(run("krum", { f: 1 }, thetas([0], [1], [2], [3])), null, "n = 2f + 2");
});

Deno.test("multi-krum: the mean of the m lowest scores; m = n is the uniform mean bit for bit", () => {
  const line = thetas([0], [1], [2], [3], [50]);
  assert.deepEqual(plain(run("multi-krum", { f: 1, m: 2 }, line)), { theta: [1.5] });
  assert.deepEqual(plain(run("multi-krum", { f: 1 }, line)), { theta: [1.5] }, "m = n − f");
  assert.deepEqual(plain(run("multi-krum", { f: 1, m: 1 }, line)), plain(run("krum", {}, line)));
  const rng = new Rng(4, "test");
  const random: Payload[] = Array.from({ length: 7 }, () => ({
    theta: Float64Array.from({ length: 5 }, () => rng.normal()),
    v: Float64Array.from({ length: 5 }, () => rng.uniform(0, 1)),
  }));
  const mean = (name: string) =>
    weightedSumInto(new Float64Array(5), random.map((u) => u[name]), random.map(() => 1 / 7));
  const all = run("multi-krum", { f: 2, m: 7 }, random)!;
  assert.deepEqual(all, { theta: mean("theta"), v: mean("v") });
  assert.equal(run("multi-krum", { f: 1, m: 6 }, line), null, "m > n");
});

Deno.test("centered clipping: hand-computed steps, CLIP(0) = 0, from θ̄₀ then the last aggregate", () => {
  // v₀ = 0, τ = 1: CLIP(10) = 1, CLIP(0.5) = 0.5, v₁ = 0.75; then CLIP(9.25) = 1, −0.25.
  const uploads = thetas([10], [0.5]);
  assert.deepEqual(plain(run("centered-clipping", { iterations: 1 }, uploads)), { theta: [0.75] });
  const twice = plain(run("centered-clipping", { iterations: 2 }, uploads));
  assert.deepEqual(twice, { theta: [1.125] });
  const still = thetas([0, 0], [0, 0]);
  assert.deepEqual(plain(run("centered-clipping", {}, still)), { theta: [0, 0] }, "no NaN");
  // Round 1 starts from the broadcast's θ (2) and zeros for v (the broadcast has v̂, not v).
  const rule = serverAggregators.get("centered-clipping").create({ tau: 1, iterations: 1 })!;
  const upload = [{ theta: Float64Array.of(4), v: Float64Array.of(4) }];
  const broadcast = { theta: Float64Array.of(2), vhat: Float64Array.of(9) };
  assert.deepEqual(plain(rule.aggregate(upload, { round: 1, broadcast })), { theta: [3], v: [1] });
  assert.deepEqual(plain(rule.aggregate(upload, { round: 2, broadcast })), { theta: [4], v: [2] });
});

Deno.test("centered clipping moves v by at most τ per iteration, and is the mean for a huge τ", () => {
  const rng = new Rng(8, "test");
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + (trial % 6), tau = rng.uniform(0.01, 2);
    const vectors = Array.from(
      { length: n },
      () => Float64Array.from([1, 2, 3], () => 5 * rng.normal()),
    );
    const v = Float64Array.from([1, 2, 3], () => rng.normal());
    for (let l = 0; l < 4; l++) {
      const before = new Float64Array(v);
      clipStep(v, vectors, tau, new Float64Array(n));
      const moved = Math.hypot(...v.map((x, k) => x - before[k]));
      assert.ok(moved <= tau * (1 + 1e-12), `trial ${trial}: moved ${moved} > τ = ${tau}`);
    }
    const mean = [0, 1, 2].map((k) => vectors.reduce((sum, u) => sum + u[k], 0) / n);
    const huge = run("centered-clipping", { tau: 1e300 }, vectors.map((theta) => ({ theta })))!;
    huge.theta.forEach((x, k) => assert.ok(Math.abs(x - mean[k]) < 1e-12, `${x} vs ${mean[k]}`));
  }
});

/** The refusal of a config before its run, as its message lines. */
async function refusal(config: Record<string, unknown>): Promise<string> {
  const error = await buildMixing(resolveConfig(config)).then(() => null, (e) => e);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
  return error.message;
}

Deno.test("impossible server settings are refused before the run, naming the field and value", async () => {
  const fed = (server: unknown, more: Record<string, unknown> = {}) => ({
    algorithms: ["fedavg"],
    nodes: 10,
    exchange: { server },
    ...more,
  });
  assert.match(
    await refusal(fed({ name: "krum", params: { f: 4 } })),
    /exchange\.server: krum with f = 4 needs more than 2f \+ 2 = 10 uploads per round, a round has 10: .*; a round's uploads: participation 1 × 10 clients = 10/,
  );
  assert.match(
    await refusal(
      fed({ name: "multi-krum", params: { f: 2 } }, { federated: { participation: 0.5 } }),
    ),
    /exchange\.server: multi-krum with f = 2 needs more than 2f \+ 2 = 6 uploads per round, a round has 5/,
  );
  assert.match(
    await refusal(fed({ name: "multi-krum", params: { f: 1, m: 11 } })),
    /exchange\.server: multi-krum with m = 11 averages more uploads than the 10 of a round: expected m ≤ 10/,
  );
  assert.match(
    await refusal(fed({ name: "trimmed-mean", params: { beta: 0.5 } })),
    /exchange\.server: trimmed-mean with beta = 0.5 drops ⌊βn⌋ = 5 of the 10 uploads .*expected n > 2⌊βn⌋ = 10/,
  );
  assert.match(
    await refusal({ algorithms: ["dgd", "fedavg"], exchange: { server: "median" } }),
    /exchange\.server = "median": algorithms\.0 \("dgd"\) is decentralized, with no server/,
  );
  assert.match(
    await refusal(fed("median", { algorithms: ["fedbuff"], engine: "actors" })),
    /exchange\.server = "median": algorithms\.0 \("fedbuff"\) applies each buffered upload/,
  );
  assert.throws(
    () => resolveConfig(fed({ name: "krum", params: { f: -1 } })),
    /exchange\.server: Invalid server aggregator fields: .*f/,
  );
  await buildMixing(resolveConfig(fed({ name: "krum", params: { f: 3 } }))); // 10 > 8: runs
  await buildMixing(resolveConfig(fed("mean", { algorithms: ["dgd"] }))); // the default: runs
});

Deno.test("--server-aggregator sets exchange.server; refusals exit 2", async () => {
  const printed = await runCli("--server-aggregator", "multi-krum", "--print-config");
  assert.equal(printed.code, 0);
  assert.deepEqual(JSON.parse(printed.out).exchange.server, {
    name: "multi-krum",
    params: { f: 1, m: null },
  });
  const cases: [string[], RegExp][] = [
    [["--algorithm", "fedavg", "--nodes", "4"], /krum with f = 1 needs more than 2f \+ 2 = 4/],
    [["--algorithm", "dgd"], /exchange\.server = "krum": algorithms\.0 \("dgd"\) is decentralized/],
    [
      ["--server-aggregator", "nope"],
      /exchange\.server: Unknown server aggregator "nope": expected one of mean, median/,
    ],
  ];
  for (const [flags, message] of cases) {
    const { code, err } = await runCli("--server-aggregator", "krum", "--steps", "2", ...flags);
    assert.equal(code, 2, flags.join(" "));
    assert.match(err, message);
  }
});
