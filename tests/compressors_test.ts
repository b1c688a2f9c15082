import assert from "node:assert/strict";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { encoders, type ExchangeSources, resolveExchange } from "../exchange/registry.ts";
import { compressedBytes, keptCount } from "../exchange/encoders/compress.ts";
import { topK, topKBytes } from "../exchange/encoders/top_k.ts";
import { randomIndices, randomKBytes } from "../exchange/encoders/random_k.ts";
import { qsgd, qsgdBytes } from "../exchange/encoders/qsgd.ts";
import { scaledSign, signBytes } from "../exchange/encoders/sign.ts";
import { PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import { Rng } from "../random.ts";
import type { DecentralizedAlgorithm, Payload } from "../algorithms/algorithm.ts";

const v = (...values: number[]) => new Float64Array(values);
/** A stand-in stream whose every uniform draw is `xi`. */
const constant = (xi: number) => ({ next: () => xi }) as unknown as Rng;

function encoderOf(name: string, params = {}, node = 2, seed = 7) {
  const source = resolveExchange({ encoder: { name, params } }).encoder;
  return encoders.get(source.name).create(source.params, node, seed);
}

Deno.test("top-k keeps the k largest |v|, ties to the lower index; zeros, all-equal, d = 1, k = d", () => {
  assert.deepEqual(topK(v(3, -5, 1, 5, 0), 2), v(0, -5, 0, 5, 0));
  assert.deepEqual(topK(v(1, -2, 2, 2), 2), v(0, -2, 2, 0));
  assert.deepEqual(topK(v(4, 4, 4, 4), 3), v(4, 4, 4, 0));
  assert.deepEqual(topK(v(0, 0, 0), 1), v(0, 0, 0));
  assert.deepEqual(topK(v(0, 0, -1), 2), v(0, 0, -1));
  assert.deepEqual(topK(v(-7), 1), v(-7));
  assert.deepEqual(topK(v(1, -2, 3), 3), v(1, -2, 3));
});

Deno.test("k = max(1, ⌊ρ d + 1e-9⌋)", () => {
  assert.equal(keptCount(0.1, 10), 1);
  assert.equal(keptCount(0.01, 100), 1);
  assert.equal(keptCount(0.01, 7850), 78);
  assert.equal(keptCount(0.29, 100), 29);
  assert.equal(keptCount(0.001, 10), 1);
  assert.equal(keptCount(1, 7), 7);
});

Deno.test("random-k draws k distinct ascending coordinates; k = d keeps all, d = 1", () => {
  const picked = randomIndices(100, 10, new Rng(1, "x"));
  assert.equal(new Set(picked).size, 10);
  assert.deepEqual([...picked], [...picked].sort((a, b) => a - b));
  assert.ok(picked.every((i) => i >= 0 && i < 100));
  assert.deepEqual([...randomIndices(5, 5, new Rng(1, "x"))], [0, 1, 2, 3, 4]);
  assert.deepEqual([...randomIndices(1, 1, new Rng(1, "x"))], [0]);
});

Deno.test("qsgd by hand: levels, scale τ, Q(0) = 0, d = 1", () => {
  // v = (3, -4): ‖v‖ = 5, s = 2, τ = 1 + min(2/4, √2/2) = 1.5, scale 5/3.
  assert.deepEqual(qsgd(v(3, -4), 2, constant(0.5)), v(5 / 3, -10 / 3));
  assert.deepEqual(qsgd(v(3, -4), 2, constant(0)), v(5 / 3, -5 / 3));
  assert.deepEqual(qsgd(v(3, -4), 2, constant(0.999)), v(10 / 3, -10 / 3));
  assert.deepEqual(qsgd(v(0, 0, 0), 16, constant(0.9)), v(0, 0, 0));
  // d = 1, s = 1: τ = 2, scale ‖v‖ / 2, level ⌊1 + ξ⌋ = 1.
  assert.deepEqual(qsgd(v(-2), 1, constant(0.3)), v(-1));
});

Deno.test("scaled sign: (‖v‖₁ / d) sign(v), sign(0) = +1", () => {
  assert.deepEqual(scaledSign(v(1, -2, 0, 3)), v(1.5, -1.5, 1.5, 1.5));
  assert.deepEqual(scaledSign(v(-3)), v(-3));
  assert.deepEqual(scaledSign(v(2, 2, 2)), v(2, 2, 2));
  assert.deepEqual(scaledSign(v(0, 0)), v(0, 0));
});

Deno.test("the byte counts, exactly, for d = 10, 100, 7850", () => {
  const table: [number, number, number, number, number][] = [
    // d, top-k 1%, random-k 1%, qsgd s=16, sign
    [10, 12, 16, 16, 10],
    [100, 12, 16, 83, 21],
    [7850, 936, 632, 5896, 990],
  ];
  for (const [d, top, random, q, sign] of table) {
    const shape = { vectors: 1, dim: d, entries: d };
    assert.equal(topKBytes(0.01, d), top);
    assert.equal(randomKBytes(0.01, d), random);
    assert.equal(qsgdBytes(16, d), q);
    assert.equal(signBytes(d), sign);
    assert.equal(encoderOf("top-k").bytes(shape), top);
    assert.equal(encoderOf("random-k").bytes(shape), random);
    assert.equal(encoderOf("qsgd").bytes(shape), q);
    assert.equal(encoderOf("sign").bytes(shape), sign);
    assert.equal(encoderOf("none").bytes(shape), 8 * d);
  }
  assert.equal(qsgdBytes(1, 10), 11);
  assert.equal(qsgdBytes(3, 10), 12);
  assert.equal(qsgdBytes(4, 7850), 3933);
  assert.equal(topKBytes(0.1, 10), 12);
  // Two vectors: per vector, summed; push-sum's weight (length 1) at 8 bytes.
  assert.equal(
    encoderOf("top-k", { fraction: 0.1 }).bytes({ vectors: 2, dim: 10, entries: 20 }),
    24,
  );
  assert.equal(compressedBytes({ vectors: 2, dim: 10, entries: 11 }, () => 12), 20);
  assert.equal(encoderOf("sign").bytes({ vectors: 2, dim: 1, entries: 2 }), 18);
});

Deno.test("fields: defaults, `none` is `full`, bad ρ and s refused", () => {
  assert.deepEqual(resolveExchange({ encoder: "top-k" }).encoder.params, { fraction: 0.01 });
  assert.deepEqual(resolveExchange({ encoder: "qsgd" }).encoder.params, { levels: 16 });
  assert.equal(resolveExchange({ encoder: "none" }).encoder.name, "full");
  for (const fraction of [0, -0.1, 1.5]) {
    const choice = { encoder: { name: "random-k", params: { fraction } } };
    assert.throws(() => resolveExchange(choice), /Invalid encoder fields: .*fraction/);
  }
  for (const levels of [0, 2.5]) {
    const choice = { encoder: { name: "qsgd", params: { levels } } };
    assert.throws(() => resolveExchange(choice), /Invalid encoder fields: .*levels/);
  }
});

function message(d: number): Payload {
  const x = Float64Array.from({ length: d }, (_, i) => Math.sin(i + 1));
  return { x, w: v(0.5), [PROBE_CHANNEL]: v(1, 2, 3, 4, 5) };
}

Deno.test("the draws: same seed, node and step give the same output; another step other indices", () => {
  for (const name of ["random-k", "qsgd"]) {
    const params = name === "random-k" ? { fraction: 0.1 } : {};
    const at = (t: number, seed = 7, node = 2) =>
      encoderOf(name, params, node, seed).encode(message(100), { node, round: 0, t });
    const once = at(5);
    assert.deepEqual(at(5), once);
    assert.notDeepEqual(at(6).x, once.x);
    assert.notDeepEqual(at(5, 8).x, once.x);
    assert.notDeepEqual(at(5, 7, 3).x, once.x);
    // The short channel and the probe pass through unchanged.
    assert.deepEqual(once.w, v(0.5));
    assert.deepEqual(once[PROBE_CHANNEL], v(1, 2, 3, 4, 5));
  }
  const kept = encoderOf("random-k", { fraction: 0.1 }).encode(message(100), {
    node: 2,
    round: 0,
    t: 5,
  }).x.filter((value) => value !== 0);
  assert.equal(kept.length, 10);
});

const spec = { type: "logistic", dim: 20, heterogeneity: 1, batchSize: 5 };
const mixing = metropolisHastings(ringTopology(5));

function sequential(exchange: ExchangeSources, method = "dgd") {
  const problem = createProblem(spec, 5, 3);
  const algorithm = createAlgorithm(method, { alpha: 0.05 }) as DecentralizedAlgorithm;
  return runDecentralized({
    problem,
    algorithm,
    mixing,
    steps: 12,
    seed: 3,
    evalEvery: 3,
    exchange,
  });
}

function actors(exchange: ExchangeSources, network = {}, problem = spec, method = "dgd") {
  return runActorTest({
    problem: createProblem(problem, 5, 3),
    algorithm: { name: method, params: { alpha: 0.05 } },
    mixing,
    exchange,
    steps: 12,
    seed: 3,
    evalEvery: 3,
    network: network,
    timeout: 1e6,
    workers: 2,
  });
}

Deno.test("top-k 10%: both engines bit-identical, 12k bytes a message", async () => {
  const exchange = resolveExchange({ encoder: { name: "top-k", params: { fraction: 0.1 } } });
  const seq = sequential(exchange);
  const act = await actors(exchange);
  const k = keptCount(0.1, createProblem(spec, 5, 3).dim);
  assert.notEqual(seq.rows.at(-1)!.loss, sequential(resolveExchange()).rows.at(-1)!.loss);
  assert.equal(act.rows.length, seq.rows.length);
  seq.rows.forEach((row, i) => {
    assert.equal(act.rows[i].loss, row.loss);
    assert.equal(act.rows[i].consensusDistance, row.consensusDistance);
    assert.equal(row.bytes, row.messages * 12 * k);
    assert.equal(act.rows[i].bytes, act.rows[i].messages * 12 * k);
  });
  assert.deepEqual(act.models, seq.models);
});

Deno.test("random-k and qsgd on SGP: both engines bit-identical; the weight goes at 8 bytes", async () => {
  const d = createProblem(spec, 5, 3).dim;
  const cases: [ExchangeSources, number][] = [
    [
      resolveExchange({ encoder: { name: "random-k", params: { fraction: 0.2 } } }),
      randomKBytes(0.2, d),
    ],
    [resolveExchange({ encoder: "qsgd" }), qsgdBytes(16, d)],
  ];
  for (const [exchange, perVector] of cases) {
    const seq = sequential(exchange, "sgp");
    const act = await actors(exchange, {}, spec, "sgp");
    seq.rows.forEach((row, i) => {
      assert.equal(act.rows[i].loss, row.loss);
      assert.equal(row.bytes, row.messages * (perVector + 8));
      assert.equal(act.rows[i].bytes, act.rows[i].messages * (perVector + 8));
    });
    assert.deepEqual(act.models, seq.models);
  }
});

Deno.test("the bandwidth model delays a top-k 1% message by its 12k bytes, not 8d", async () => {
  const big = { ...spec, dim: 1000 };
  const d = createProblem(big, 5, 3).dim;
  const link = {
    bandwidth: 1e6,
    latency: { type: "constant", value: 0 },
    compute: { type: "constant", value: 1e-9 },
  };
  const full = await actors(resolveExchange(), link, big);
  const top = await actors(resolveExchange({ encoder: "top-k" }), link, big);
  const time = (result: typeof full) => result.rows.at(-1)!.virtualTime;
  const ratio = time(top) / time(full), expected = (12 * keptCount(0.01, d)) / (8 * d);
  assert.ok(expected < 0.02);
  assert.ok(Math.abs(ratio / expected - 1) < 1e-3, `ratio ${ratio}, expected ${expected}`);
});
