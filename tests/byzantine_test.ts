// Byzantine nodes (exchange/attack.ts, exchange/attacks/): each attack against hand-computed
// vectors, forging only what Byzantine senders tell honest receivers, the seeded choice of
// Byzantine nodes, the refusals before a run, robust aggregates staying within the honest
// range where the plain mean does not, and both engines bit for bit, at 1, 2 and 5 Workers.
import assert from "node:assert/strict";
import { byzantineNodes, forgeValues, honestMoments } from "../exchange/attack.ts";
import { alieZ } from "../exchange/attacks/alie.ts";
import { aggregators, attacks, resolveExchange } from "../exchange/registry.ts";
import { PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import { Rng } from "../random.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { createProblem } from "../problems/registry.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { runActorTest } from "./_actors.ts";
import { runCli } from "./_cli.ts";

const attack = (name: string, params: Record<string, unknown> = {}) =>
  attacks.get(name).create(attacks.resolve(name, params) as never, 7);
const v = (...xs: number[]) => Float64Array.from(xs);
const site = { receiver: 0, t: 3, round: 0 };

/** Forges one channel `x` of values from senders 0…n−1, the ids in `liars` lying. */
function forged(name: string, values: number[][], liars: number[], params = {}) {
  const payloads = values.map((x) => ({ x: v(...x) }));
  const senders = values.map((_, k) => k);
  return forgeValues(attack(name, params), payloads, senders, (id) => liars.includes(id), site)
    .map((p) => [...p.x]);
}

Deno.test("sign-flip sends −s·x; ipm −ε μ of the honest values, own included", () => {
  const values = [[1, -2], [3, 0], [5, 4]];
  assert.deepEqual(forged("sign-flip", values, [2]), [[1, -2], [3, 0], [-5, -4]]);
  assert.deepEqual(forged("sign-flip", values, [1], { scale: 3 }), [[1, -2], [-9, -0], [5, 4]]);
  // μ of the honest values {0, 1} = (2, −1).
  assert.deepEqual(forged("ipm", values, [2]), [[1, -2], [3, 0], [-0.2, 0.1]]);
  assert.deepEqual(forged("ipm", values, [2], { epsilon: 2 }), [[1, -2], [3, 0], [-4, 2]]);
});

Deno.test("alie sends μ − z σ (σ with ddof 0); z_max = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − f", () => {
  // n = 5, f = 1: s = 2, z = Φ⁻¹(0.6).
  assert.ok(Math.abs(alieZ(5, 1) - 0.2533471031357997) < 1e-15);
  assert.ok(Math.abs(alieZ(3, 1) - 0.4307272992954576) < 1e-15);
  // Honest {1, 3, 5, 7}: μ = 4, σ = √5.
  const values = [[1], [3], [5], [7], [100]];
  const [lie] = forged("alie", values, [4]).slice(4);
  assert.ok(Math.abs(lie[0] - (4 - alieZ(5, 1) * Math.sqrt(5))) < 1e-14);
  assert.deepEqual(forged("alie", values, [4], { z: 2 })[4], [4 - 2 * Math.sqrt(5)]);
  // All honest values equal: σ = 0, the lie is the value itself; d = 1 throughout.
  assert.deepEqual(forged("alie", [[2], [2], [-9]], [2])[2], [2]);
  const moments = honestMoments([v(1, 2), v(3, 2)], 2);
  assert.deepEqual([...moments.mean, ...moments.std], [2, 2, 1, 0]);
  assert.deepEqual([...honestMoments([], 2).mean], [0, 0]);
});

Deno.test("gaussian adds seeded N(0, σ²) noise, its own per message, the same on every call", () => {
  const values = [[0, 0, 0], [1, 1, 1]];
  const once = forged("gaussian", values, [1], { sigma: 2 })[1];
  assert.deepEqual(forged("gaussian", values, [1], { sigma: 2 })[1], once);
  const rng = new Rng(7, "attack/1/0/3/0/x");
  assert.deepEqual(once, [0, 1, 2].map(() => 1 + 2 * rng.normal()));
  const other = forgeValues(
    attack("gaussian"),
    values.map((x) => ({ x: v(...x) })),
    [0, 1],
    (id) => id === 1,
    { ...site, receiver: 2 },
  )[1].x;
  assert.notDeepEqual([...other], once);
});

Deno.test("only Byzantine senders are forged, only to honest receivers, only full-length channels", () => {
  const payloads = [
    { x: v(1, 2), w: v(1), [PROBE_CHANNEL]: v(5, 5, 5, 5, 1) },
    { x: v(3, 4), w: v(1), [PROBE_CHANNEL]: v(6, 6, 6, 6, 1) },
  ];
  const lies = (id: number) => id === 1;
  const out = forgeValues(attack("sign-flip"), payloads, [0, 1], lies, site);
  assert.deepEqual([...out[1].x], [-3, -4]);
  assert.equal(out[1].w, payloads[1].w, "a shorter channel passes unchanged");
  assert.equal(out[1][PROBE_CHANNEL], payloads[1][PROBE_CHANNEL], "the probe passes unchanged");
  assert.equal(out[0], payloads[0], "an honest sender's value is the engine's own");
  assert.deepEqual([...payloads[1].x], [3, 4], "the sender's copy is untouched");
  const toLiar = forgeValues(attack("sign-flip"), payloads, [0, 1], lies, { ...site, receiver: 1 });
  assert.equal(toLiar, payloads, "Byzantine nodes hear the truth");
  assert.equal(forgeValues(attack("label-flip"), payloads, [0, 1], lies, site), payloads);
});

Deno.test("Byzantine ids: named ones sorted; a fraction drawn from the seed's stream", () => {
  const spec = { attack: { name: "sign-flip", params: {} } };
  assert.deepEqual(byzantineNodes({ ...spec, nodes: [9, 2] }, 16, 0), [2, 9]);
  const drawn = byzantineNodes({ ...spec, fraction: 0.125 }, 16, 4);
  assert.equal(drawn.length, 2);
  assert.deepEqual(byzantineNodes({ ...spec, fraction: 0.125 }, 16, 4), drawn);
  const seeds = new Set(Array.from({ length: 8 }, (_, s) => {
    return JSON.stringify(byzantineNodes({ ...spec, fraction: 0.125 }, 16, s));
  }));
  assert.ok(seeds.size > 4, "other seeds, other nodes");
});

Deno.test("impossible Byzantine settings are refused before the run (exit 2), naming the field", async () => {
  const cases: [string[], RegExp][] = [
    [["--byzantine", "3,20"], /exchange\.byzantine\.nodes\.1 = 20: expected a node id in \[0, 8\)/],
    [["--byzantine", "2,2"], /nodes\.1 = 2: node 2 is named twice/],
    [["--byzantine", "0.01"], /fraction = 0.01: 0.01 × 8 nodes rounds to no Byzantine node/],
    [["--attack", "alie"], /--attack: needs --byzantine/],
    [
      ["--byzantine", "1,3", "--attack", "alie"],
      /exchange\.byzantine\.attack: node 2 hears 2 Byzantine of 3: alie's z_max .* infinite/,
    ],
    [["--byzantine", "1", "--attack", "nope"], /Unknown attack "nope": expected one of sign-flip/],
  ];
  for (const [flags, message] of cases) {
    const { code, err } = await runCli("--nodes", "8", "--algorithm", "dgd", ...flags);
    assert.equal(code, 2, flags.join(" "));
    assert.match(err, message);
  }
});

Deno.test("robust aggregates stay within the honest values' range under attack; the mean does not", () => {
  const rng = new Rng(11, "test");
  for (const name of ["sign-flip", "alie", "ipm", "gaussian"]) {
    const honest = Array.from({ length: 5 }, () => v(...[0, 1, 2].map(() => 1 + rng.normal())));
    const payloads = [...honest, v(5, 5, 5), v(6, 6, 6)].map((x) => ({ x: x.map((e) => e) }));
    const senders = payloads.map((_, k) => k), lies = (id: number) => id >= 5;
    const values = forgeValues(
      attack(name, name === "gaussian" ? { sigma: 20 } : {}),
      payloads,
      senders,
      lies,
      site,
    );
    const weights = values.map(() => 1 / values.length);
    const low = [0, 1, 2].map((k) => Math.min(...honest.map((x) => x[k])));
    const high = [0, 1, 2].map((k) => Math.max(...honest.map((x) => x[k])));
    const inRange = (agg: string, params = {}) => {
      const into = { x: new Float64Array(3) };
      const definition = aggregators.get(agg);
      definition.create(aggregators.resolve(agg, params), 0)
        .aggregate(into, values, weights, { node: 0, round: 0, self: 0 });
      return [...into.x].every((e, k) => e >= low[k] - 1e-12 && e <= high[k] + 1e-12);
    };
    assert.ok(inRange("median"), `median under ${name}`);
    assert.ok(inRange("trimmed-mean", { b: 2 }), `trimmed mean under ${name}`);
    if (name === "sign-flip") assert.ok(!inRange("weighted-sum"), "the mean is pulled out");
  }
});

const spec = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
const ring8 = metropolisHastings(ringTopology(8));

for (const name of ["sign-flip", "gaussian", "alie", "ipm"]) {
  Deno.test(`${name}: both engines bit for bit; 1, 2 and 5 Workers agree async with drops`, async () => {
    const exchange = resolveExchange({
      aggregator: "median",
      byzantine: { nodes: [2, 5], attack: name },
    });
    const common = { mixing: ring8, exchange, steps: 10, seed: 3, evalEvery: 5 };
    const algorithm = { name: "dgd", params: { alpha: 0.05 } };
    const sequential = runDecentralized({
      ...common,
      problem: createProblem(spec, 8, 3),
      algorithm: createAlgorithm("dgd", algorithm.params) as DecentralizedAlgorithm,
    });
    const honest = runDecentralized({
      ...common,
      exchange: resolveExchange({ aggregator: "median" }),
      problem: createProblem(spec, 8, 3),
      algorithm: createAlgorithm("dgd", algorithm.params) as DecentralizedAlgorithm,
    });
    assert.notEqual(sequential.rows.at(-1)!.loss, honest.rows.at(-1)!.loss, "the attack acts");
    assert.equal(sequential.rows.at(-1)!.honestNodes, 6);
    assert.equal(honest.rows.at(-1)!.honestNodes, undefined);
    const actors = await runActorTest({
      ...common,
      problem: createProblem(spec, 8, 3),
      algorithm,
      timeout: 1e6,
      workers: 2,
    });
    assert.deepEqual(actors.models, sequential.models);
    sequential.rows.forEach((row, k) => assert.equal(actors.rows[k].loss, row.loss));
    const faulty = (workers: number) =>
      runActorTest({
        ...common,
        problem: createProblem(spec, 8, 3),
        algorithm,
        mode: "async",
        network: { dropProbability: 0.2, latency: { type: "exponential", mean: 0.01 } },
        workers,
      });
    const runs = [await faulty(1), await faulty(2), await faulty(5)];
    for (const run of runs.slice(1)) {
      assert.deepEqual(run.models, runs[0].models);
      assert.deepEqual(run.rows.map((row) => row.loss), runs[0].rows.map((row) => row.loss));
    }
  });
}
