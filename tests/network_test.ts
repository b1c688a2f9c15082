import assert from "node:assert/strict";
import { Network } from "../actors/network.ts";
import { type Distribution, sampleDuration, type Scenario } from "../actors/scenario.ts";
import { Rng } from "../random.ts";

const perfect: Scenario = {
  latency: { type: "constant", value: 0.01 },
  bandwidth: null,
  dropProbability: 0,
  duplicateProbability: 0,
  linkCapacity: null,
  links: [],
  clog: null,
  partitions: [],
  randomPartitions: null,
  compute: { type: "constant", value: 0.01 },
  stragglers: { nodes: [], slowdown: 1 },
  crashes: [],
};

function arrival(network: Network, from: number, to: number, bytes: number, now: number) {
  const fate = network.send(from, to, bytes, now);
  return fate.delivered ? fate.arrival : null;
}

Deno.test("latency distributions have their documented means", () => {
  const cases: [Distribution, number][] = [
    [{ type: "constant", value: 0.2 }, 0.2],
    [{ type: "uniform", min: 0.1, max: 0.3 }, 0.2],
    [{ type: "exponential", mean: 0.2 }, 0.2],
    [{ type: "lognormal", mu: -2, sigma: 0.5 }, Math.exp(-2 + 0.125)],
    [{ type: "pareto", scale: 0.1, shape: 3 }, 0.1 * 3 / 2],
  ];
  for (const [distribution, mean] of cases) {
    const rng = new Rng(1, distribution.type);
    let total = 0;
    const n = 200_000;
    for (let k = 0; k < n; k++) total += sampleDuration(distribution, rng);
    assert.ok(Math.abs(total / n - mean) < 0.02 * mean, `${distribution.type}: ${total / n}`);
  }
});

Deno.test("bandwidth adds size/bandwidth; per-link overrides apply both ways when symmetric", () => {
  const network = new Network(
    {
      ...perfect,
      bandwidth: 1000,
      links: [{ from: 0, to: 1, symmetric: true, latency: { type: "constant", value: 1 } }],
    },
    3,
    0,
  );
  assert.equal(arrival(network, 0, 2, 500, 10), 10 + 0.01 + 0.5);
  assert.equal(arrival(network, 0, 1, 500, 10), 10 + 1 + 0.5);
  assert.equal(arrival(network, 1, 0, 500, 10), 10 + 1 + 0.5);
  assert.equal(network.counters.bytes, 1500);
});

Deno.test("replays are counted and their bytes sent twice", () => {
  const network = new Network({ ...perfect, duplicateProbability: 0.2 }, 2, 3);
  for (let k = 0; k < 10_000; k++) network.send(0, 1, 8, k);
  const { duplicated, bytes, sent } = network.counters;
  assert.ok(Math.abs(duplicated - 2000) < 4 * Math.sqrt(10_000 * 0.2 * 0.8), `${duplicated}`);
  assert.equal(bytes, 8 * (sent + duplicated));
});

Deno.test("a clogged link holds messages until it clears", () => {
  const network = new Network({ ...perfect, clog: { probability: 1, durationMean: 5 } }, 2, 4);
  const first = arrival(network, 0, 1, 8, 0)!;
  assert.ok(first > 0.01, `${first}`);
  const second = arrival(network, 0, 1, 8, 0.001)!;
  assert.ok(second >= first - 1e-12, "the clog still holds the next message");
  assert.equal(network.counters.clogged, 2);
});

Deno.test("link capacity: sends past the in-flight limit are dropped until messages arrive", () => {
  const network = new Network({ ...perfect, linkCapacity: 2 }, 2, 0);
  assert.notEqual(arrival(network, 0, 1, 8, 0), null);
  assert.notEqual(arrival(network, 0, 1, 8, 0), null);
  assert.equal(arrival(network, 0, 1, 8, 0), null);
  assert.equal(network.counters.droppedCapacity, 1);
  assert.notEqual(arrival(network, 1, 0, 8, 0), null, "the other direction is its own link");
  network.arrived(0, 1, false);
  assert.notEqual(arrival(network, 0, 1, 8, 0), null);
  const traffic = network.traffic().find((link) => link.from === 0 && link.to === 1)!;
  assert.deepEqual([traffic.sent, traffic.delivered], [4, 1]);
});

Deno.test("a scheduled partition cuts both ways during its window; one-way cuts outward only", () => {
  const network = new Network(
    {
      ...perfect,
      partitions: [
        { start: 1, end: 2, nodes: [0], oneWay: false },
        { start: 3, end: 4, nodes: [0], oneWay: true },
      ],
    },
    3,
    0,
  );
  assert.notEqual(arrival(network, 0, 1, 8, 0.5), null);
  assert.equal(arrival(network, 0, 1, 8, 1.5), null);
  assert.equal(arrival(network, 1, 0, 8, 1.5), null);
  assert.notEqual(arrival(network, 1, 2, 8, 1.5), null, "inside one side");
  assert.notEqual(arrival(network, 0, 1, 8, 2.5), null, "healed");
  assert.equal(arrival(network, 0, 1, 8, 3.5), null);
  assert.notEqual(arrival(network, 1, 0, 8, 3.5), null, "one way");
  assert.equal(network.counters.droppedPartition, 3);
  assert.equal(network.counters.partitions, 2);
});

Deno.test("random partitions form and heal from the seed, respecting the stability time", () => {
  const history = (seed: number) => {
    const network = new Network(
      {
        ...perfect,
        randomPartitions: {
          mode: "isolate-single",
          probability: 0.3,
          healProbability: 0.3,
          stability: 1,
          symmetric: true,
        },
      },
      6,
      seed,
    );
    const cut: boolean[] = [];
    for (let t = 0; t < 200; t += 0.5) {
      const before = network.counters.droppedPartition;
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (i !== j) network.send(i, j, 8, t);
      cut.push(network.counters.droppedPartition > before);
    }
    return { cut, formed: network.counters.partitions };
  };
  const a = history(1), b = history(1), c = history(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.cut, c.cut);
  assert.ok(a.formed > 5, `${a.formed} partitions formed`);
  assert.ok(a.cut.some(Boolean) && a.cut.some((x) => !x));
  for (let k = 0; k < a.cut.length; k += 2) assert.equal(a.cut[k], a.cut[k + 1], "stable for 1 s");
});
