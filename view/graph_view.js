// The network drawn in SVG: one circle per node coloured by its state, one line per edge whose
// width grows with the messages it carried and whose colour turns red with the share dropped.
// A one-way schedule's edges end in arrows; a schedule that changes with the step adds, in
// blue, the edges active at the step shown (each snapshot's `active`, sent by the server only
// up to a limit of edges). Every element carries data attributes (data-node, data-state,
// data-link, data-active) for tests and styling.

const SVG = "http://www.w3.org/2000/svg";

/** Fill colour of each node state. */
export const STATE_COLORS = {
  stepping: "#2ca02c",
  straggling: "#ff7f0e",
  crashed: "#d62728",
  partitioned: "#9467bd",
  done: "#1f77b4",
  waiting: "#bbbbbb",
};

function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** The colour of the edges a changing schedule makes active at the step shown. */
const ACTIVE_COLOR = "#1f77b4";

/** Grey for no drops, red for all dropped. */
function dropColor(share) {
  const mix = (a, b) => Math.round(a + (b - a) * Math.min(1, share * 3));
  return `rgb(${mix(150, 214)}, ${mix(150, 39)}, ${mix(150, 40)})`;
}

/**
 * An arrowhead whose tip stops at the rim of a node of `radius` (lines end at node centres),
 * sized in the graph's units; `auto-start-reverse` points it the other way at a line's start.
 */
function arrowMarker(id, color, radius) {
  const size = Math.max(0.012, radius * 0.8);
  const marker = element("marker", {
    id,
    viewBox: "0 0 10 10",
    refX: 10 + (10 * radius) / size,
    refY: 5,
    markerUnits: "userSpaceOnUse",
    markerWidth: size,
    markerHeight: size,
    orient: "auto-start-reverse",
  });
  marker.append(element("path", { d: "M0,0 L10,5 L0,10 z", fill: color }));
  return marker;
}

/** Draws one run's graph and updates it from its snapshots. */
export class GraphView {
  #svg;
  #legend;
  #note;
  #run = null;
  #nodes = [];
  #links = new Map();
  #previousSteps = [];
  #activeStep = null;

  constructor(svg, legend, note) {
    this.#svg = svg;
    this.#legend = legend;
    this.#note = note;
  }

  /** The run drawn, or null. */
  get run() {
    return this.#run;
  }

  /** Draws `run`'s graph (a RunDescription), every node waiting, no traffic. */
  draw(run) {
    this.#run = run;
    this.#svg.replaceChildren();
    this.#links.clear();
    const { positions, nodes, edges, server } = run.graph;
    const radius = Math.min(0.045, Math.max(0.006, 0.3 / Math.sqrt(nodes)));
    const defs = element("defs");
    defs.append(
      arrowMarker("arrow", "#999", radius),
      arrowMarker("arrow-active", ACTIVE_COLOR, radius),
    );
    // A changing schedule's traffic lines are its history: faded under the step's edges.
    const links = element("g", { class: "links", opacity: run.graph.changing ? 0.3 : 1 });
    for (const [i, j] of edges) this.#link(links, i, j, run.graph.directed);
    const active = element("g", { class: "active" });
    const circles = element("g", { class: "nodes" });
    this.#nodes = positions.map(([x, y], i) => {
      const circle = element("circle", {
        cx: x,
        cy: y,
        r: i === server ? radius * 1.5 : radius,
        "data-node": i,
        "data-state": "waiting",
        fill: STATE_COLORS.waiting,
        stroke: "#333",
        "stroke-width": 0,
      });
      circle.append(element("title"));
      circles.append(circle);
      if (nodes <= 40) {
        const label = element("text", {
          x,
          y: y + radius * 0.35,
          "text-anchor": "middle",
          "font-size": radius,
          fill: "#fff",
          "pointer-events": "none",
        });
        label.textContent = i === server ? "S" : String(i);
        circles.append(label);
      }
      return circle;
    });
    this.#svg.append(defs, links, active, circles);
    this.#previousSteps = [];
    this.#activeStep = null;
    if (this.#note) this.#note.textContent = "";
    this.#drawLegend(new Array(nodes).fill("waiting"));
  }

  /** Colours nodes and links from a RunSnapshot of the drawn run. */
  update(snapshot) {
    if (!this.#run || snapshot.index !== this.#run.index) return;
    snapshot.nodes.forEach((state, i) => {
      const circle = this.#nodes[i];
      if (!circle) return;
      const step = snapshot.nodeSteps[i];
      const active = snapshot.status === "running" && step !== this.#previousSteps[i];
      circle.setAttribute("data-state", state);
      circle.setAttribute("fill", STATE_COLORS[state] ?? "#999");
      circle.setAttribute("stroke-width", active ? 0.006 : 0);
      circle.firstChild.textContent = `${
        i === this.#run.graph.server ? "server" : `node ${i}`
      }: ${state}, step ${step}`;
    });
    this.#previousSteps = snapshot.nodeSteps;
    const traffic = new Map();
    let most = 1;
    for (const [from, to, sent, delivered, dropped] of snapshot.links) {
      const key = from < to ? `${from}-${to}` : `${to}-${from}`;
      const total = traffic.get(key) ?? { sent: 0, dropped: 0, lines: [] };
      total.sent += sent;
      total.dropped += dropped;
      total.lines.push(`${from} → ${to}: ${sent} sent, ${delivered} delivered, ${dropped} dropped`);
      traffic.set(key, total);
      most = Math.max(most, total.sent);
    }
    for (const [key, total] of traffic) {
      const [i, j] = key.split("-").map(Number);
      const line = this.#links.get(key) ?? this.#link(this.#svg.querySelector(".links"), i, j);
      line.setAttribute("stroke-width", 0.003 + 0.014 * Math.sqrt(total.sent / most));
      line.setAttribute("stroke", dropColor(total.sent ? total.dropped / total.sent : 0));
      line.setAttribute("stroke-dasharray", "");
      line.setAttribute("data-sent", total.sent);
      line.setAttribute("data-dropped", total.dropped);
      line.firstChild.textContent = total.lines.join("\n");
    }
    this.#drawLegend(snapshot.nodes);
    if (this.#run.graph.changing && snapshot.active) this.#drawActive(snapshot.active);
  }

  /** Draws a changing schedule's edges at one step (only when the step shown moves). */
  #drawActive(active) {
    if (active.step === this.#activeStep) return;
    this.#activeStep = active.step;
    const group = this.#svg.querySelector(".active");
    group.setAttribute("data-step", active.step);
    const positions = this.#run.graph.positions;
    group.replaceChildren(...(active.edges ?? []).map(([i, j]) => {
      const [x1, y1] = positions[i], [x2, y2] = positions[j];
      return element("line", {
        x1,
        y1,
        x2,
        y2,
        stroke: ACTIVE_COLOR,
        "stroke-width": 0.008,
        "data-active": `${i}-${j}`,
        ...(active.directed ? { "marker-end": "url(#arrow-active)" } : {}),
      });
    }));
    const what = active.edges
      ? `the ${active.count} edge${active.count === 1 ? "" : "s"} (blue) of step ${active.step}`
      : `more than ${active.count - 1} edges at step ${active.step}: too many to draw`;
    const sense = active.directed ? ", each pointing from sender to receiver" : "";
    if (this.#note) this.#note.textContent = `${this.#run.graph.changing}: ${what}${sense}`;
  }

  /** The line of edge i–j (one per pair); a directed edge i → j adds an arrow at j. */
  #link(group, i, j, directed = false) {
    const key = i < j ? `${i}-${j}` : `${j}-${i}`;
    const known = this.#links.get(key);
    if (known) {
      if (directed) known.setAttribute(i < j ? "marker-end" : "marker-start", "url(#arrow)");
      return known;
    }
    const [a, b] = i < j ? [i, j] : [j, i];
    const [x1, y1] = this.#run.graph.positions[a], [x2, y2] = this.#run.graph.positions[b];
    const line = element("line", {
      x1,
      y1,
      x2,
      y2,
      stroke: "#ccc",
      "stroke-width": 0.003,
      "stroke-dasharray": "0.01 0.01",
      "data-link": key,
    });
    if (directed) line.setAttribute(i < j ? "marker-end" : "marker-start", "url(#arrow)");
    line.append(element("title"));
    group.append(line);
    this.#links.set(key, line);
    return line;
  }

  #drawLegend(states) {
    const counts = {};
    for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
    this.#legend.replaceChildren(
      ...Object.entries(STATE_COLORS).filter(([state]) => counts[state]).map(([state, color]) => {
        const span = document.createElement("span");
        span.dataset.legend = state;
        const swatch = document.createElement("i");
        swatch.style.background = color;
        span.append(swatch, `${state} ${counts[state]}`);
        return span;
      }),
    );
  }
}
