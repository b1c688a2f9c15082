// The network drawn in SVG: one circle per node coloured by its state, one line per edge whose
// width grows with the messages it carried and whose colour turns red with the share dropped.
// Every element carries data attributes (data-node, data-state, data-link) for tests and
// styling.

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

/** Grey for no drops, red for all dropped. */
function dropColor(share) {
  const mix = (a, b) => Math.round(a + (b - a) * Math.min(1, share * 3));
  return `rgb(${mix(150, 214)}, ${mix(150, 39)}, ${mix(150, 40)})`;
}

/** Draws one run's graph and updates it from its snapshots. */
export class GraphView {
  #svg;
  #legend;
  #run = null;
  #nodes = [];
  #links = new Map();
  #previousSteps = [];

  constructor(svg, legend) {
    this.#svg = svg;
    this.#legend = legend;
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
    const links = element("g", { class: "links" });
    for (const [i, j] of edges) this.#link(links, i, j);
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
    this.#svg.append(links, circles);
    this.#previousSteps = [];
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
  }

  #link(group, i, j) {
    const [x1, y1] = this.#run.graph.positions[i], [x2, y2] = this.#run.graph.positions[j];
    const line = element("line", {
      x1,
      y1,
      x2,
      y2,
      stroke: "#ccc",
      "stroke-width": 0.003,
      "stroke-dasharray": "0.01 0.01",
      "data-link": `${i}-${j}`,
    });
    line.append(element("title"));
    group.append(line);
    this.#links.set(`${i}-${j}`, line);
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
