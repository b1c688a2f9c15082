import assert from "node:assert/strict";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { resolveExchange } from "../exchange/registry.ts";
import { staticRoute } from "../exchange/route.ts";
import { median, toyBytes } from "./fixtures/toy_exchange.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";

const spec = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
const mixing = metropolisHastings(ringTopology(5));
const toy = resolveExchange({ encoder: "test-odd-bytes", aggregator: "test-median" });

function sequential(exchange = resolveExchange()) {
  const problem = createProblem(spec, 5, 3);
  const algorithm = createAlgorithm("dgd", { alpha: 0.05 }) as DecentralizedAlgorithm;
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

function actors(exchange = resolveExchange(), network = {}) {
  return runActorTest({
    problem: createProblem(spec, 5, 3),
    algorithm: { name: "dgd", params: { alpha: 0.05 } },
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

Deno.test("the static route: a node hears from W's row in its order and sends to W's column", () => {
  const route = staticRoute(mixing);
  for (let i = 0; i < 5; i++) {
    assert.equal(route.inbound(i, 7), mixing.rows[i]);
    assert.deepEqual(route.outbound(i, 7), [(i + 1) % 5, (i + 4) % 5].sort((a, b) => a - b));
  }
});

Deno.test("a toy aggregate (median) and a toy encode (odd byte count) are used by both engines", async () => {
  const plain = sequential();
  const seq = sequential(toy);
  const act = await actors(toy);
  const d = createProblem(spec, 5, 3).dim;
  // The median is used: the trajectory leaves the weighted sum's.
  assert.notEqual(seq.rows.at(-1)!.loss, plain.rows.at(-1)!.loss);
  // Both engines use it, bit for bit, and count the encoder's bytes for every message.
  assert.equal(act.rows.length, seq.rows.length);
  seq.rows.forEach((row, k) => {
    assert.equal(act.rows[k].loss, row.loss);
    assert.equal(act.rows[k].consensusDistance, row.consensusDistance);
    assert.equal(row.bytes, row.messages * toyBytes(1, d));
    assert.equal(act.rows[k].bytes, act.rows[k].messages * toyBytes(1, d));
  });
  assert.deepEqual(act.models, seq.models);
  // The default stages give today's byte count: 8 per entry.
  assert.equal(plain.rows.at(-1)!.bytes, plain.rows.at(-1)!.messages * d * 8);
});

Deno.test("the median aggregator of the fixture takes the middle value, ties and even counts", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, 5, 5]), 5);
  assert.equal(median([-0, 0, 7]), 0);
});

Deno.test("a stage's unknown name or bad field is refused, naming it", () => {
  assert.throws(
    () => resolveExchange({ aggregator: "nope" }),
    /Unknown aggregator "nope": expected one of weighted-sum/,
  );
  assert.throws(
    () => resolveExchange({ encoder: { name: "test-odd-bytes", params: { header: 1.5 } } }),
    /Invalid encoder fields: .*header/,
  );
});

Deno.test("the bandwidth model delays a message by the encoder's byte count", async () => {
  // 1 byte/s: a message takes its size in seconds, and a sync round (deadline far away) lasts
  // as long as its slowest message: the size over the bandwidth, plus compute and latency.
  const d = createProblem(spec, 5, 3).dim;
  const slow = { bandwidth: 1, compute: { type: "constant", value: 1e-3 } };
  const full = await actors(resolveExchange(), slow);
  const odd = await actors(toy, slow);
  const sync = (result: typeof full) => result.rows.at(-1)!.virtualTime;
  assert.ok(sync(full) > 0 && sync(odd) > 0);
  const ratio = sync(odd) / sync(full);
  assert.ok(Math.abs(ratio - toyBytes(1, d) / (8 * d)) < 1e-3, `ratio ${ratio}`);
});
