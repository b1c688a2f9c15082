// The page's text panels: the config in one line, each run's progress, the drawn run's clock
// and traffic totals, and the compare page's summary tables.

function html(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

const format = (value, digits = 4) =>
  typeof value === "number" && Number.isFinite(value)
    ? (Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
      ? value.toExponential(digits - 1)
      : String(Number(value.toPrecision(digits))))
    : "—";

const percent = (value) =>
  typeof value === "number" && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : "—";

/** One line saying what the config simulates. */
export function configLine(config) {
  if (!config) return "";
  const network = config.network ?? {};
  const schedule = config.schedule?.type ?? "static";
  // A schedule other than `static` has a graph of its own; random matching draws its
  // matchings from the topology's edges.
  const graph = schedule === "static"
    ? config.topology?.type
    : `${schedule} schedule${
      schedule === "random-matching" ? ` over ${config.topology?.type}` : ""
    }`;
  const parts = [
    `${config.nodes} nodes`,
    graph,
    config.problem?.type,
    config.engine === "actors" ? `actors (${config.mode})` : config.engine,
    `${config.steps} steps`,
    `seed ${config.seed}`,
  ];
  if (config.engine === "actors") {
    if (network.dropProbability) parts.push(`drop ${network.dropProbability}`);
    const stragglers = network.stragglers?.nodes ?? [];
    if (stragglers.length) {
      parts.push(`stragglers ${stragglers.join(",")} (×${network.stragglers.slowdown})`);
    }
    for (const crash of network.crashes ?? []) {
      parts.push(
        `node ${crash.node} crashes at ${crash.at} s${
          crash.rejoin != null ? `, rejoins at ${crash.rejoin} s` : ""
        }`,
      );
    }
    for (const cut of network.partitions ?? []) {
      parts.push(`nodes ${cut.nodes.join(",")} cut off ${cut.start}–${cut.end} s`);
    }
  }
  return parts.filter(Boolean).join(" · ");
}

/** Each run's progress bar, from the runs' descriptions and their latest snapshots. */
export function renderProgress(container, runs, snapshots) {
  container.replaceChildren(...runs.map((run) => {
    const snapshot = snapshots[run.index];
    const step = snapshot?.step ?? 0, steps = snapshot?.steps ?? 0;
    return html(
      "div",
      { class: "run", "data-run": run.index, "data-status": snapshot?.status ?? "waiting" },
      html("span", {}, run.series),
      html("progress", { max: steps || 1, value: step }),
      html("span", {}, `${step} / ${steps}`),
    );
  }));
}

/** The drawn run's virtual clock and traffic totals. */
export function renderClock(clockElement, totalsElement, snapshot) {
  clockElement.textContent = snapshot?.clock == null
    ? "no scheduler (sequential engine)"
    : `virtual time ${snapshot.clock.toFixed(3)} s`;
  if (!snapshot) return totalsElement.replaceChildren();
  const { sent, delivered, dropped } = snapshot.totals;
  totalsElement.textContent = `${sent} sent, ${delivered} delivered, ${dropped} dropped, ` +
    `${Math.max(0, sent - delivered - dropped)} in flight · ${snapshot.events} events`;
}

/** The compare page's tables: one per run directory, one row per run. */
export function renderSummaries(container, sources) {
  const columns = [
    ["algorithm", (run) => run.label ?? run.algorithm ?? "—"],
    ["seed", (run) => String(run.seed ?? "—")],
    ["step", (run) => String(run.final?.step ?? "—")],
    ["loss", (run) => format(run.final?.loss)],
    ["‖∇f(x̄)‖²", (run) => format(run.final?.gradNormSq)],
    ["consensus", (run) => format(run.final?.consensusDistance)],
    ["accuracy", (run) => percent(run.final?.accuracy)],
    ["virtual time", (run) => format(run.virtualTime ?? run.final?.virtualTime)],
    ["sent", (run) => String(run.final?.messages ?? "—")],
    ["delivered", (run) => String(run.final?.delivered ?? "—")],
    ["dropped", (run) => String(run.final?.dropped ?? "—")],
    ["wall (ms)", (run) => String(run.wallMs ?? "—")],
  ];
  container.hidden = false;
  container.replaceChildren(...sources.flatMap((source) => {
    const summary = source.summary ?? {};
    const runs = summary.runs ?? [];
    const heading = html("h2", {}, source.name);
    const about = html(
      "div",
      { class: "note" },
      `${source.path} · ${summary.status ?? "no summary.json"} · ${configLine(source.config)}`,
    );
    const table = html(
      "table",
      { "data-source": source.name },
      html("tr", {}, ...columns.map(([name]) => html("th", {}, name))),
      ...runs.map((run) => html("tr", {}, ...columns.map(([, cell]) => html("td", {}, cell(run))))),
    );
    return [heading, about, table];
  }));
}
