import assert from "node:assert/strict";
import { hostsPoints, hostsSpec } from "../examples/nats_figure.ts";
import { renderVegaLite } from "../mod.ts";

// The throughput figure's parsing and drawing (the bench itself runs in nats_transport_test's
// scenarios and by `deno task figure:nats`).
Deno.test("the hosts figure reads the bench's JSON lines and draws one line per series", async () => {
  const output = [
    "warming up",
    '{"label":"scheduler alone (no hosts)","nodes":1000,"steps":50,"usPerNodeStep":10}',
    '{"label":"in-process (2 Workers)","nodes":1000,"steps":50,"usPerNodeStep":25}',
    '{"label":"NATS (2 hosts × 1 Workers, loopback)","nodes":1000,"steps":50,"usPerNodeStep":40,"busKBPerStep":280.5}',
    '{"host":"h0","peakRssMB":120}',
  ].join("\n");
  const points = hostsPoints(2, output);
  assert.deepEqual(points, [
    { hosts: 2, series: "scheduler alone", nodeStepsPerSecond: 100_000 },
    { hosts: 2, series: "in-process", nodeStepsPerSecond: 40_000 },
    { hosts: 2, series: "NATS", nodeStepsPerSecond: 25_000, busKBPerStep: 280.5 },
  ]);
  const svg = await renderVegaLite(hostsSpec(points, "tiny"));
  assert.ok(svg.startsWith("<svg") && svg.includes("Throughput against hosts"));
});
