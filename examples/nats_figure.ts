// Throughput against hosts (`deno task figure:nats`): bench/nats_bench.ts for 1, 2, 3 and 4
// host processes of one Worker each on a loopback nats-server, each beside the same run with as
// many Workers in one process and the scheduler alone; node-steps per second per series, in
// docs/nats-hosts.svg and docs/nats-hosts.json. Needs nats-server (apt-get install nats-server).
import { renderVegaLite } from "../mod.ts";

/** One bench row: a series at a host count. */
export interface HostsPoint {
  /** Host processes (Workers in the in-process run). */
  hosts: number;
  /** `scheduler alone`, `in-process` or `NATS`. */
  series: string;
  /** Node-steps per second. */
  nodeStepsPerSecond: number;
  /** Bus kilobytes per simulated step (NATS only). */
  busKBPerStep?: number;
}

/** The bench's config: DGD on a d = 10 quadratic, 1,000 nodes on a ring, 200 steps. */
export const NATS_FIGURE_CONFIG = {
  nodes: 1000,
  steps: 200,
  problem: { type: "quadratic", dim: 10 },
};

/** The points of one bench output (its JSON lines). */
export function hostsPoints(hosts: number, output: string): HostsPoint[] {
  const series = (label: string) =>
    label.startsWith("NATS")
      ? "NATS"
      : label.startsWith("in-process")
      ? "in-process"
      : "scheduler alone";
  return output.split("\n").filter((line) => line.startsWith('{"label"')).map((line) => {
    const row = JSON.parse(line) as { label: string; usPerNodeStep: number; busKBPerStep?: number };
    return {
      hosts,
      series: series(row.label),
      nodeStepsPerSecond: Math.round(1e6 / row.usPerNodeStep),
      ...(row.busKBPerStep === undefined ? {} : { busKBPerStep: row.busKBPerStep }),
    };
  });
}

/** The figure: node-steps per second against hosts, one line per series. */
export function hostsSpec(points: readonly HostsPoint[], subtitle: string): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    title: { text: "Throughput against hosts", subtitle },
    width: 420,
    height: 260,
    data: { values: points },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "hosts",
        type: "ordinal",
        title: "host processes (in-process: Workers)",
        axis: { labelAngle: 0 },
      },
      y: { field: "nodeStepsPerSecond", type: "quantitative", title: "node-steps per second" },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
    },
    config: { aria: false },
  };
}

if (import.meta.main) {
  const points: HostsPoint[] = [];
  for (const hosts of [1, 2, 3, 4]) {
    const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        "--allow-net=127.0.0.1",
        "--allow-run",
        "--allow-env",
        "--unstable-worker-options",
        new URL("../bench/nats_bench.ts", import.meta.url).pathname,
        JSON.stringify(NATS_FIGURE_CONFIG),
        "1",
        String(hosts),
      ],
      env: { DENO_NO_PROMPT: "1" },
    }).output();
    const text = new TextDecoder().decode(stdout);
    if (!success) {
      console.error(new TextDecoder().decode(stderr));
      Deno.exit(1);
    }
    points.push(...hostsPoints(hosts, text));
    console.log(`${hosts} host(s):`, JSON.stringify(points.filter((p) => p.hosts === hosts)));
  }
  const docs = new URL("../docs/", import.meta.url);
  const subtitle =
    `DGD, d = 10 quadratic, ${NATS_FIGURE_CONFIG.nodes} nodes, sync; nats-server on loopback; ` +
    `${navigator.hardwareConcurrency} cores`;
  await Deno.writeTextFile(
    new URL("nats-hosts.svg", docs),
    await renderVegaLite(hostsSpec(points, subtitle)),
  );
  await Deno.writeTextFile(
    new URL("nats-hosts.json", docs),
    JSON.stringify({ command: "deno task figure:nats", ...NATS_FIGURE_CONFIG, points }, null, 2) +
      "\n",
  );
  console.log("wrote docs/nats-hosts.svg and docs/nats-hosts.json");
}
