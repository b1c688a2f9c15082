// The page's entry: a live run streams over server-sent events (/events: an "init" message,
// then a "tick" every ~100 ms with the new rows and the runs that moved); the compare page
// reads /data.json once. `window.gossim` exposes the page's state for tests.
import { Charts } from "./charts.js";
import { GraphView } from "./graph_view.js";
import { configLine, renderClock, renderProgress, renderSummaries } from "./panels.js";

const $ = (id) => document.getElementById(id);
const mode = document.body.dataset.mode;
const charts = new Charts($("charts"));
const graph = new GraphView($("graph"), $("legend"), $("schedule-note"));
const state = { runs: [], snapshots: [], ending: null, follow: true, shown: 0 };

globalThis.gossim = {
  mode,
  state,
  /** Points the charts hold now. */
  points: () => charts.points(),
  /** Rows received from the run so far, drawn or not yet. */
  received: () => charts.received(),
  /** The points after each insertion: growing while a run goes on. */
  history: charts.history,
  /** Resolves when the charts have drawn every row received. */
  idle: () => charts.idle(),
};

function setStatus(status, text = status) {
  $("status").dataset.status = status;
  $("status").textContent = text;
}

function setHeader(title, config) {
  document.title = `gossim: ${title}`;
  $("title").textContent = title;
  $("config").textContent = configLine(config);
}

function updateXAxis() {
  $("x-axis").querySelector('[value="virtualTime"]').disabled = !charts.hasVirtualTime();
}

$("x-axis").addEventListener("change", (event) => charts.setX(event.target.value));

/** The run whose network is drawn: the chosen one, or the latest that started. */
function runToShow() {
  if (!state.follow) return state.shown;
  const started = state.snapshots.filter((s) => s && s.status !== "waiting");
  return started.length ? Math.max(...started.map((s) => s.index)) : 0;
}

function drawNetwork() {
  const index = runToShow();
  const run = state.runs[index];
  if (!run) return;
  if (graph.run?.index !== index) {
    graph.draw(run);
    $("run-select").value = state.follow ? "follow" : String(index);
  }
  if (state.snapshots[index]) graph.update(state.snapshots[index]);
  renderClock($("clock"), $("totals"), state.snapshots[index]);
  renderProgress($("progress"), state.runs, state.snapshots);
}

$("run-select").addEventListener("change", (event) => {
  state.follow = event.target.value === "follow";
  if (!state.follow) state.shown = Number(event.target.value);
  drawNetwork();
});

function showEnding() {
  const ending = state.ending;
  if (!ending) {
    const started = state.snapshots.some((s) => s && s.status !== "waiting");
    return started ? setStatus("running") : setStatus("waiting", "waiting for the run");
  }
  setStatus(ending.status, ending.error ? `${ending.status}: ${ending.error}` : ending.status);
}

function startLive(data) {
  setHeader(data.title, data.config);
  state.runs = data.runs;
  state.snapshots = data.snapshots;
  state.ending = data.ending;
  $("run-select").replaceChildren(
    new Option("the run under way", "follow"),
    ...data.runs.map((run) => new Option(run.series, String(run.index))),
  );
  drawNetwork();
  showEnding();
  charts.add(data.rows);
  updateXAxis();
}

function tick(data) {
  for (const snapshot of data.snapshots) state.snapshots[snapshot.index] = snapshot;
  state.ending = data.ending;
  drawNetwork();
  showEnding();
  if (data.rows.length) {
    charts.add(data.rows);
    updateXAxis();
  }
}

if (mode === "live") {
  const events = new EventSource("/events");
  events.addEventListener("init", (event) => {
    startLive(JSON.parse(event.data));
    if (state.ending) events.close();
  });
  events.addEventListener("tick", (event) => {
    tick(JSON.parse(event.data));
    // The run is over: nothing more will come, and a closed server must not be retried.
    if (state.ending) events.close();
  });
  events.addEventListener("error", () => {
    if (!state.ending) setStatus("disconnected", "disconnected from the simulation");
  });
} else {
  const response = await fetch("/data.json");
  const data = await response.json();
  setHeader(data.title, null);
  renderSummaries($("summary-section"), data.sources);
  await charts.add(data.rows);
  updateXAxis();
  const count = data.sources.length;
  setStatus("complete", `${count} run director${count === 1 ? "y" : "ies"}`);
}
