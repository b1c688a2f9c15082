// The NATS transport gives the same bytes as one process: metrics.jsonl and the event log of
// runs whose Workers live in 1, 2 and 3 host processes (deno run cli/host.ts, joined over a
// nats-server on a loopback port with a fresh token) equal those of the in-process run with
// as many Workers — sync (two algorithms: the hosts restart between them), async with drops,
// latency and a straggler, and federated with partial participation and drops.
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { joinNats } from "../unstable.ts";
import { runSimulation } from "../mod.ts";
import { VERSION } from "../simulation/version.ts";
import { natsSkipReason, startBus, startHost, type TestBus, type TestHost } from "./_nats.ts";

const ignore = natsSkipReason() !== null;

const COMMON = [
  "--engine",
  "actors",
  "--quiet",
  "--problem",
  "quadratic",
  "--nodes",
  "6",
  "--dim",
  "40",
];
const SCENARIOS: Record<string, string[]> = {
  sync: [...COMMON, "--algorithm", "dgd,gradient-tracking", "--steps", "20", "--eval-every", "5"],
  async: [
    ...COMMON,
    ...["--algorithm", "dgd", "--mode", "async", "--steps", "20", "--eval-every", "5"],
    ...["--drop", "0.2", "--latency", "uniform:0.01,0.05", "--stragglers", "2", "--slowdown", "4"],
  ],
  federated: [
    ...COMMON,
    ...["--algorithm", "fedavg", "--steps", "8", "--eval-every", "2", "--participation", "0.5"],
    ...["--local-steps", "2", "--drop", "0.1"],
  ],
};
/** Every layout below has three Workers in all; the references run three in one process. */
const WORKERS = "3";

/** Runs `args` writing to a fresh folder; returns metrics.jsonl and the event log. */
async function outputs(args: string[]): Promise<{ metrics: string; events: string }> {
  const dir = await Deno.makeTempDir({ prefix: "gossim-nats-run-" });
  try {
    const run = await runCli(...args, "--out", `${dir}/out`, "--events", `${dir}/events.jsonl`);
    assert.equal(run.code, 0, run.err);
    return {
      metrics: await Deno.readTextFile(`${dir}/out/metrics.jsonl`),
      events: await Deno.readTextFile(`${dir}/events.jsonl`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withHosts(
  bus: TestBus,
  layout: Record<string, number>,
  work: (hosts: TestHost[]) => Promise<void>,
): Promise<void> {
  const hosts = Object.entries(layout).map(([name, k]) => startHost(bus, name, k));
  try {
    await Promise.all(hosts.map((host) => host.waitFor("waiting for runs")));
    await work(hosts);
  } finally {
    for (const host of hosts) await host.kill("SIGTERM");
  }
}

Deno.test({
  name: "NATS transport: 1, 2 and 3 hosts give the bytes of one process (sync, async, fed)",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const references: Record<string, { metrics: string; events: string }> = {};
    for (const [name, args] of Object.entries(SCENARIOS)) {
      references[name] = await outputs([...args, "--workers", WORKERS]);
      assert(references[name].metrics.length > 0 && references[name].events.length > 0);
    }
    // A small max_payload: snapshots and payload batches travel in several frames.
    const bus = await startBus({ maxPayload: 512 });
    const layouts: [Record<string, number>, string[]][] = [
      [{ solo: 3 }, ["sync"]],
      [{ a: 2, b: 1 }, ["sync", "async", "federated"]],
      [{ x: 1, y: 1, z: 1 }, ["async", "federated"]],
    ];
    try {
      for (const [layout, names] of layouts) {
        const count = String(Object.keys(layout).length);
        await t.step(`${count} host(s): ${names.join(", ")}`, async () => {
          await withHosts(bus, layout, async () => {
            for (const name of names) {
              const flags = ["--transport", bus.url, "--hosts", count];
              const got = await outputs([
                ...SCENARIOS[name],
                ...flags,
                ...["--nats-token-file", bus.tokenFile],
              ]);
              assert.equal(got.metrics, references[name].metrics, `${name}: metrics.jsonl`);
              assert.equal(got.events, references[name].events, `${name}: event log`);
            }
          });
        });
      }
    } finally {
      await bus.stop();
    }
  },
});

Deno.test({
  name: "NATS transport from the library: joinNats hands runSimulation its transport, float32 too",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const bus = await startBus();
    const hosts = [startHost(bus, "a", 1), startHost(bus, "b", 1)];
    try {
      await Promise.all(hosts.map((host) => host.waitFor("waiting for runs")));
      const joined = await joinNats({
        url: bus.url,
        token: (await Deno.readTextFile(bus.tokenFile)).trim(),
        hosts: 2,
        version: VERSION,
        config: "library",
      });
      const config = {
        nodes: 6,
        steps: 12,
        evalEvery: 4,
        engine: "actors",
        workers: joined.workers,
        algorithms: ["decentralized-amsgrad"],
        problem: { type: "logistic", dim: 80, precision: "float32" },
        network: { dropProbability: 0.1 },
      };
      try {
        const remote = await runSimulation(config, { transport: joined });
        const local = await runSimulation(config);
        assert.equal(joined.workers, 2);
        assert.deepEqual(remote.runs[0].rows, local.runs[0].rows);
      } finally {
        await joined.close();
      }
    } finally {
      for (const host of hosts) await host.kill("SIGKILL");
      await bus.stop();
    }
  },
});
