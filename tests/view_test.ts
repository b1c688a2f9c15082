// The live view and compare view without a browser: the event folding, the hooks, the
// server (loopback, local assets, the event stream), the --serve flag and run directories.
import assert from "node:assert/strict";
import { parseFlags } from "../cli/flags.ts";
import { LIVE_HINT, STRAGGLERS } from "../cli/defaults.ts";
import type { SimEvent } from "../metrics/events.ts";
import { resolveConfig, runSimulation } from "../simulation/mod.ts";
import { compareData, readRunDirectory, RunDirectoryError, uniqueNames } from "../view/compare.ts";
import { circleLayout, viewGraph, viewNetwork } from "../view/graph.ts";
import { LiveView, type ViewSnapshot } from "../view/live.ts";
import { LiveRun, type RunSnapshot } from "../view/live_state.ts";
import { main as viewMain } from "../view/main.ts";
import { activeEdges, shownStep } from "../view/schedule_edges.ts";
import { ViewServer } from "../view/server.ts";
import { runCli } from "./_cli.ts";
import { readEvents } from "./_events.ts";

const at = (time: number, seq: number) => ({ time, seq });

Deno.test("LiveRun folds events into node states, link counts and the clock", () => {
  const run = new LiveRun({ index: 0, nodes: 4, stragglers: [1], steps: 10 });
  assert.deepEqual(run.snapshot().nodes, ["waiting", "waiting", "waiting", "waiting"]);
  const events: SimEvent[] = [
    { kind: "step", ...at(0.1, 0), node: 0, t: 1 },
    { kind: "send", ...at(0.1, 1), from: 0, to: 1, id: 0, bytes: 8, fate: "delivered", arrival: 1 },
    {
      kind: "send",
      ...at(0.1, 2),
      from: 0,
      to: 3,
      id: null,
      bytes: 8,
      fate: "loss",
      arrival: null,
    },
    { kind: "arrive", ...at(0.2, 3), from: 0, to: 1, id: 0, fate: "delivered" },
    { kind: "crash", ...at(0.3, 4), node: 2 },
    { kind: "partition", ...at(0.4, 5), nodes: [3], oneWay: false },
    { kind: "send", ...at(0.5, 6), from: 1, to: 2, id: 1, bytes: 8, fate: "delivered", arrival: 1 },
    { kind: "arrive", ...at(0.6, 7), from: 1, to: 2, id: 1, fate: "crashed" },
  ];
  events.forEach((event) => run.event(event));
  run.row(5);
  let snapshot: RunSnapshot = run.snapshot();
  assert.equal(snapshot.status, "running");
  assert.deepEqual(snapshot.nodes, ["stepping", "straggling", "crashed", "partitioned"]);
  assert.deepEqual(snapshot.nodeSteps, [1, 0, 0, 0]);
  assert.deepEqual(snapshot.links, [[0, 1, 1, 1, 0], [0, 3, 1, 0, 1], [1, 2, 1, 0, 1]]);
  assert.deepEqual(snapshot.totals, { sent: 3, delivered: 1, dropped: 2 });
  assert.equal(snapshot.clock, 0.6);
  assert.equal(snapshot.step, 5);
  run.event({ kind: "heal", ...at(0.7, 8), nodes: [3], oneWay: false });
  run.event({ kind: "rejoin", ...at(0.8, 9), node: 2 });
  run.finish();
  snapshot = run.snapshot();
  assert.deepEqual(snapshot.nodes, ["done", "straggling", "done", "done"]);
  assert.equal(snapshot.events, 10);
});

Deno.test("runSimulation hands every scheduler event to onEvent, labelled with its run", async () => {
  const config = { ...STRAGGLERS[1], steps: 30 };
  const kinds = new Map<number, Set<string>>();
  const last = [-1, -1];
  await runSimulation(config, {
    onEvent(event, run) {
      assert.equal(run.total, 2);
      assert.equal(event.seq, last[run.index] + 1, "in sequence order, numbered per run");
      last[run.index] = event.seq;
      if (!kinds.has(run.index)) kinds.set(run.index, new Set());
      kinds.get(run.index)!.add(event.kind);
    },
  });
  for (const index of [0, 1]) {
    for (const kind of ["step", "send", "arrive", "mix", "evaluate"]) {
      assert.ok(kinds.get(index)?.has(kind), `run ${index} lacks ${kind}`);
    }
  }
  let sequential = 0;
  await runSimulation({ steps: 5 }, { onEvent: () => sequential++ });
  assert.equal(sequential, 0, "the sequential engine has no scheduler");
});

Deno.test("--serve takes an optional port; a bad one stops at the door", async () => {
  assert.equal(parseFlags(["--serve"]).serve, "");
  const values = parseFlags(["--serve", "--steps", "5"]);
  assert.equal(values.serve, "");
  assert.equal(values.steps, "5");
  assert.equal(parseFlags(["--serve", "0"]).serve, "0");
  assert.equal(parseFlags(["--serve=8123"]).serve, "8123");
  const { code, err } = await runCli("--serve", "http", "--steps", "5");
  assert.equal(code, 2);
  assert.match(err, /--serve: expected a port number/);
  assert.match((await runCli("--help")).out, /--serve \[PORT\]/);
});

Deno.test("the view server: loopback only, local vega builds, an event stream", async () => {
  const server = await ViewServer.start({ mode: "live", port: 0, data: () => ({ hello: 1 }) });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await (await fetch(server.url)).text();
    assert.match(page, /data-mode="live"/);
    assert.doesNotMatch(page, /src="https?:/, "nothing from a CDN");
    for (const file of ["vega", "vega-lite", "vega-embed"]) {
      const response = await fetch(`${server.url}vendor/${file}.min.js`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /javascript/);
      assert.ok((await response.arrayBuffer()).byteLength > 50_000, file);
    }
    assert.deepEqual(await (await fetch(`${server.url}data.json`)).json(), { hello: 1 });
    const missing = await fetch(`${server.url}nothing`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    // DNS rebinding: a request naming another host is refused (fetch cannot set Host).
    const port = Number(new URL(server.url).port);
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    await connection.write(
      new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n",
      ),
    );
    const reply = await new Response(connection.readable).text();
    assert.match(reply, /^HTTP\/1\.1 421/);
    const events = await fetch(`${server.url}events`);
    assert.equal(events.headers.get("content-type"), "text/event-stream");
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value, 'event: init\ndata: {"hello":1}\n\n');
    server.broadcast("tick", [1, 2]);
    assert.equal((await reader.read()).value, "event: tick\ndata: [1,2]\n\n");
    await reader.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("a live view streams rows and snapshots while a run goes on, then its ending", async () => {
  const config = resolveConfig({
    ...STRAGGLERS[1],
    steps: 200,
    network: { ...STRAGGLERS[1].network as object, crashes: [{ node: 4, at: 1 }] },
  });
  const view = await LiveView.start(config, { port: 0, tickMs: 20 });
  try {
    const reading = readEvents(
      view.url,
      (_, data) => (data as { ending?: unknown }).ending != null,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await runSimulation(config, view.hooks);
    view.finish({ status: "complete" });
    const events = await reading;
    assert.equal(events[0].name, "init");
    const init = events[0].data as { runs: { graph: { nodes: number; edges: unknown[] } }[] };
    assert.equal(init.runs.length, 2);
    assert.equal(init.runs[0].graph.nodes, 8);
    assert.equal(init.runs[0].graph.edges.length, 8);
    const ticks = events.slice(1).map((e) =>
      e.data as { rows: unknown[]; snapshots: RunSnapshot[] }
    );
    const rows = ticks.reduce((sum, tick) => sum + tick.rows.length, 0);
    assert.equal(rows, result.runs.reduce((sum, run) => sum + run.rows.length, 0));
    const last = new Map<number, RunSnapshot>();
    for (const tick of ticks) for (const s of tick.snapshots) last.set(s.index, s);
    for (const index of [0, 1]) {
      const snapshot = last.get(index)!;
      assert.equal(snapshot.status, "finished");
      assert.equal(snapshot.nodes[4], "crashed");
      assert.equal(snapshot.nodes[2], "straggling");
      assert.equal(snapshot.nodes[0], "done");
      assert.equal(snapshot.totals.sent, result.runs[index].rows.at(-1)!.messages);
    }
  } finally {
    await view.close();
  }
});

Deno.test("graph layouts: a circle, a grid for tori, a server in the middle", async () => {
  assert.deepEqual(circleLayout(4), [[0.5, 0.05], [0.95, 0.5], [0.5, 0.95], [0.05, 0.5]]);
  const torus = await viewGraph(
    resolveConfig({ nodes: 6, topology: { type: "torus", rows: 2, cols: 3 } }),
    "dgd",
    0,
  );
  assert.deepEqual(torus.positions[4], [0.5, 0.95]);
  const federated = await viewGraph(resolveConfig({ nodes: 3 }), "fedavg", 0);
  assert.equal(federated.server, 3);
  assert.deepEqual(federated.edges, [[0, 3], [1, 3], [2, 3]]);
  assert.deepEqual(federated.positions[3], [0.5, 0.5]);
});

Deno.test("run directories: read, named uniquely, joined into one curve per run", async () => {
  assert.deepEqual(uniqueNames(["a/x", "b/x", "c/y"]), ["a/x", "b/x", "y"]);
  assert.deepEqual(uniqueNames(["x", "x"]), ["x (1)", "x (2)"]);
  const root = await Deno.makeTempDir();
  await runSimulation({ algorithms: ["dgd", "dadam"], steps: 20, evalEvery: 10, out: `${root}/r` });
  const directory = await readRunDirectory(`${root}/r`);
  assert.equal(directory.name, "r");
  assert.equal(directory.rows.length, 4);
  assert.equal((directory.summary as { status: string }).status, "complete");
  const data = compareData([directory]);
  assert.deepEqual([...new Set(data.rows.map((row) => row.series))], ["r · dgd", "r · dadam"]);
  await assert.rejects(() => readRunDirectory(`${root}/none`), RunDirectoryError);
  const quiet = console.error;
  console.error = () => {};
  try {
    assert.equal(await viewMain([]), 2);
    assert.equal(await viewMain([`${root}/none`]), 2);
    assert.equal(await viewMain([`${root}/r`, "--port", "x"]), 2);
  } finally {
    console.error = quiet;
  }
});

Deno.test("the default run ends with the command that opens its live view", async () => {
  assert.match(LIVE_HINT, /deno task sim --config examples\/stragglers\.json --serve$/);
  const example = JSON.parse(
    await Deno.readTextFile(new URL("../examples/stragglers.json", import.meta.url)),
  );
  const config = resolveConfig(example);
  assert.equal(config.engine, "actors");
  const short = STRAGGLERS[0].network as { stragglers: unknown };
  assert.deepEqual(config.network.stragglers, short.stragglers);
  const { code, out } = await runCli();
  assert.equal(code, 0);
  assert.match(out, /stragglers, sync: 8 nodes/);
  assert.match(out, /stragglers, async: 8 nodes/);
  assert.equal(out.trim().split("\n").at(-1), LIVE_HINT);
});

/** Node i → node i + offset (mod n), for every i. */
const shifted = (n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => [i, (i + offset) % n]);

Deno.test("the graph panel of a schedule: the step's edges, arrows for one-way ones", async () => {
  const config = resolveConfig({ nodes: 8, schedule: { type: "one-peer-exponential" } });
  const { graph, route } = await viewNetwork(config, "dgd", config.seed);
  assert.equal(graph.changing, "one-peer-exponential");
  assert.equal(graph.directed, true);
  assert.deepEqual(graph.edges, [], "a changing schedule's edges come per step");
  assert.ok(route);
  for (const [t, offset] of [[1, 1], [2, 2], [3, 4], [4, 1]]) {
    const active = activeEdges(route, t);
    assert.deepEqual(active, { step: t, directed: true, edges: shifted(8, offset), count: 8 });
  }
  assert.deepEqual(activeEdges(route, 0).step, 1, "before the first step: W_1");
  assert.deepEqual(activeEdges(route, 1, 5), { step: 1, directed: true, edges: null, count: 6 });
  // A symmetric schedule lists each pair once; a static one-way schedule is drawn whole.
  const matching = await viewNetwork(
    resolveConfig({ nodes: 8, schedule: { type: "random-matching" } }),
    "dgd",
    3,
  );
  assert.equal(matching.graph.directed, false);
  const pairs = activeEdges(matching.route!, 5).edges!;
  assert.ok(pairs.length > 0 && pairs.every(([i, j]) => i < j), `${pairs}`);
  const ring = await viewNetwork(
    resolveConfig({ nodes: 5, schedule: { type: "directed-ring" } }),
    "dgd",
    0,
  );
  assert.equal(ring.route, null, "nothing changes with the step");
  assert.deepEqual(ring.graph, { ...ring.graph, directed: true, changing: null });
  assert.deepEqual(ring.graph.edges, shifted(5, 1));
  const plain = await viewGraph(resolveConfig({ nodes: 4 }), "dgd", 0);
  assert.deepEqual([plain.directed, plain.changing], [false, null]);
  // The step shown: the latest row's, or the furthest node's if ahead of it.
  assert.equal(shownStep({ step: 0, nodeSteps: [0, 0] }), 1);
  assert.equal(shownStep({ step: 10, nodeSteps: [3, 12, 7] }), 12);
  assert.equal(shownStep({ step: 20, nodeSteps: [3, 12, 7] }), 20);
});

Deno.test("a live view on a schedule sends each snapshot with the edges of the step shown", async () => {
  const config = resolveConfig({
    nodes: 8,
    schedule: { type: "one-peer-exponential" },
    steps: 8,
    evalEvery: 4,
  });
  const view = await LiveView.start(config, { port: 0, tickMs: 10 });
  try {
    const reading = readEvents(
      view.url,
      (_, data) => (data as { ending?: unknown }).ending != null,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const result = await runSimulation(config, view.hooks);
    view.finish({ status: "complete" });
    const events = await reading;
    const init = events[0].data as { snapshots: ViewSnapshot[] };
    assert.deepEqual(init.snapshots[0].active?.edges, shifted(8, 1), "W_1 before the run");
    const last = (events.at(-1)!.data as { snapshots: ViewSnapshot[] }).snapshots.at(-1)!;
    assert.equal(last.step, 8);
    // Step 8: offset 2^((8 − 1) mod 3) = 2.
    assert.deepEqual(last.active, { step: 8, directed: true, edges: shifted(8, 2), count: 8 });
    const row = result.runs[0].rows.at(-1)!;
    assert.ok("mixingRate" in row && "nominalRate" in row, "the rows the charts draw ρ̂ from");
  } finally {
    await view.close();
  }
});
