/**
 * The NATS transport's cost: wall time per node-step of one actor run whose Workers live in
 * H host processes (default two) joined over a nats-server on loopback, against the same run
 * with as many Workers in one process, and against the scheduler alone (no hosts:
 * `_null_transport.ts`); plus the bus's messages and bytes per step (the server's /varz). Each run is timed after a
 * one-step warm-up on the same Workers (started, problem loaded).
 *
 *     deno run --no-prompt --allow-read --allow-write --allow-net=127.0.0.1 --allow-run \
 *       --allow-env --unstable-worker-options bench/nats_bench.ts \
 *       '{"nodes":64,"steps":200,"problem":{"type":"quadratic","dim":10}}' [K] [H]
 *
 * The argument is a config (engine actors, algorithm dgd, sync mode by default); K is the
 * Workers per host (default 1) and H the hosts (default 2): H·K Workers in all, as in the
 * in-process run it is compared with.
 *
 * @module
 */
import { resolveConfig } from "../simulation/resolve_config.ts";
import { actorRunOptions, buildSetup } from "../simulation/mod.ts";
import { runActors } from "../actors/engine.ts";
import { ActorPool } from "../actors/supervisor.ts";
import type { TransportChoice } from "../actors/transport.ts";
import { NatsHosts } from "../actors/nats_hosts.ts";
import { VERSION } from "../simulation/version.ts";
import { startBus, startHost } from "../tests/_nats.ts";
import { nullHosts } from "./_null_transport.ts";

const perHost = Number(Deno.args[1] ?? 1);
const hostCount = Number(Deno.args[2] ?? 2);
const total = perHost * hostCount;
const config = resolveConfig({
  engine: "actors",
  algorithms: ["dgd"],
  workers: total,
  evalEvery: 1_000_000,
  ...JSON.parse(Deno.args[0] ?? "{}"),
});
const setup = await buildSetup(config);
const { name, params } = config.algorithms[0];
const nodeSteps = config.nodes * config.steps;

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);

/** Times one run (after a one-step warm-up on the same Workers). */
async function timed(label: string, transport?: TransportChoice, varz?: () => Promise<Varz>) {
  const pool = new ActorPool();
  let events = 0;
  const options = {
    ...actorRunOptions(config, setup, { name, params }, config.seed),
    pool,
    ...(transport ? { transport } : {}),
  };
  const warm = performance.now();
  await runActors({ ...options, steps: 1, evalEvery: 1 });
  const warmMs = performance.now() - warm;
  const before = await varz?.();
  peak = 0;
  const start = performance.now();
  await runActors({ ...options, onEvent: () => void events++ });
  const ms = performance.now() - start;
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const after = await varz?.();
  pool.close();
  const row: Record<string, unknown> = {
    label,
    nodes: config.nodes,
    steps: config.steps,
    warmupMs: Math.round(warmMs),
    ms: Math.round(ms),
    usPerNodeStep: +(1000 * ms / nodeSteps).toFixed(2),
    eventsPerSecond: Math.round(events / (ms / 1000)),
    simPeakRssMB: Math.round(peak / 2 ** 20),
  };
  if (before && after) {
    row.busMsgsPerStep = +((after.in_msgs - before.in_msgs) / config.steps).toFixed(1);
    row.busKBPerStep = +((after.in_bytes - before.in_bytes) / config.steps / 1024).toFixed(1);
  }
  console.log(JSON.stringify(row));
}

/** The server's counters. */
interface Varz {
  in_msgs: number;
  in_bytes: number;
}

await timed("scheduler alone (no hosts)", nullHosts(total, setup.problem.dim));
await timed(`in-process (${total} Workers)`);
const bus = await startBus({ monitor: true });
const hosts = Array.from({ length: hostCount }, (_, h) => startHost(bus, `h${h}`, perHost));
try {
  await Promise.all(hosts.map((host) => host.waitFor("waiting for runs")));
  const joined = await NatsHosts.join({
    url: bus.url,
    token: (await Deno.readTextFile(bus.tokenFile)).trim(),
    hosts: hostCount,
    version: VERSION,
    config: "bench",
  });
  const varz = () => fetch(`${bus.monitor}/varz`).then((r) => r.json() as Promise<Varz>);
  try {
    await timed(`NATS (${hostCount} hosts × ${perHost} Workers, loopback)`, joined, varz);
  } finally {
    await joined.close();
  }
  for (const host of hosts) {
    const rss = await hostRss(host.process.pid);
    if (rss) console.log(JSON.stringify({ host: host.name, peakRssMB: rss }));
  }
} finally {
  for (const host of hosts) await host.kill("SIGTERM");
  await bus.stop();
  clearInterval(sampler);
}

/** A host process's peak resident memory (MB), from /proc (Linux; Deno reads it only with -A). */
async function hostRss(pid: number): Promise<number | null> {
  try {
    const cat = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
    const status = new TextDecoder().decode(cat.stdout);
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch (error) {
    console.error(`host ${pid}: ${error}`);
    return null;
  }
}
