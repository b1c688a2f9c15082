// The metric curves: one vega-lite chart per metric the rows carry, one line per series,
// embedded with vega-embed (loaded as a global from the page's own /vendor scripts). Rows
// are inserted into the view's "rows" data set as they arrive; the charts are rebuilt only
// when a metric appears for the first time or the x axis changes. A metric with `fold` draws
// several fields in one chart, told apart by the line's dash (the mixing rate: ρ̂, the
// realised rate of each evaluation window, solid; the nominal rate beside it, dashed).

/** The metrics a chart can show, in page order. */
const METRICS = [
  { field: "loss", title: "loss f(x̄)" },
  { field: "gradNormSq", title: "‖∇f(x̄)‖² (log)", log: true },
  { field: "consensusDistance", title: "consensus distance (log)", log: true },
  {
    field: "mixingRate",
    title: "mixing rate: ρ̂ realised (solid), nominal (dashed)",
    fold: { mixingRate: "ρ̂ realised", nominalRate: "nominal" },
  },
  { field: "trackingError", title: "tracking error (log)", log: true },
  // 0 unless pushes are lost: drawn once some row loses more than rounding does.
  { field: "lostMass", title: "push-sum mass lost", above: 1e-9, format: ".2%" },
  { field: "accuracy", title: "accuracy of x̄", format: ".1%" },
  { field: "accuracySpread", title: "accuracy spread (best − worst node)", format: ".1%" },
  { field: "dropped", title: "messages dropped" },
  { field: "stalenessMean", title: "mean staleness (steps)" },
];

const X_TITLES = { step: "step", virtualTime: "virtual time (s)" };

/** The fields a metric's chart draws. */
const fieldsOf = (m) => m.fold ? Object.keys(m.fold) : [m.field];

/**
 * The metrics that at least one row has a finite value of (a positive one for log axes, one
 * above `above` where given); a folded one, of any of its fields.
 */
function presentMetrics(rows, x) {
  return METRICS.filter((m) =>
    rows.some((row) =>
      Number.isFinite(row[x]) &&
      fieldsOf(m).some((field) =>
        Number.isFinite(row[field]) && (!m.log || row[field] > 0) &&
        (m.above === undefined || row[field] > m.above)
      )
    )
  );
}

/** The transform and y field of a metric's chart: its own field, or its fields folded. */
function chartData(m, x) {
  const finite = (field) => `isFinite(datum[${JSON.stringify(field)}])`;
  if (!m.fold) {
    const positive = m.log ? ` && datum[${JSON.stringify(m.field)}] > 0` : "";
    return { transform: [{ filter: `${finite(x)} && ${finite(m.field)}${positive}` }], y: m.field };
  }
  const label = Object.entries(m.fold).reduceRight(
    (rest, [field, name]) =>
      `datum.key === ${JSON.stringify(field)} ? ${JSON.stringify(name)} : ${rest}`,
    '""',
  );
  return {
    transform: [
      { fold: Object.keys(m.fold), as: ["key", "value"] },
      { filter: `${finite(x)} && ${finite("value")}` },
      { calculate: label, as: "line" },
    ],
    y: "value",
    strokeDash: {
      field: "line",
      type: "nominal",
      title: null,
      sort: Object.values(m.fold),
      legend: {
        orient: "bottom",
        symbolType: "stroke",
        // The lines' colour is the series': the dash's own legend draws its strokes grey.
        encode: { symbols: { update: { stroke: { value: "#555" } } } },
      },
    },
  };
}

/** The vega-lite spec of the charts for `metrics` against `x`, starting with `rows`. */
export function chartSpec(metrics, x, rows) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { name: "rows", values: rows },
    columns: 3,
    concat: metrics.map((m) => chartOf(m, x)),
    resolve: { scale: { color: "shared" } },
    padding: { left: 5, top: 5, right: 24, bottom: 5 },
    config: { legend: { orient: "bottom", labelLimit: 400 } },
  };
}

/** One metric's chart: a line per series (and per field, for a folded metric). */
function chartOf(m, x) {
  const { transform, y, strokeDash } = chartData(m, x);
  return {
    title: m.title,
    width: 230,
    height: 140,
    transform,
    mark: { type: "line", point: { size: 14 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: x, type: "quantitative", title: X_TITLES[x] },
      y: {
        field: y,
        type: "quantitative",
        title: null,
        scale: m.log ? { type: "log" } : { zero: false },
        ...(m.format ? { axis: { format: m.format } } : {}),
      },
      color: { field: "series", type: "nominal", title: null },
      ...(strokeDash ? { strokeDash } : {}),
    },
  };
}

/** The charts of one page. */
export class Charts {
  #element;
  #rows = [];
  #shown = 0;
  #x = "step";
  #metrics = "";
  #view = null;
  #queue = Promise.resolve();
  /** Each insertion: the number of points the charts hold after it. */
  history = [];

  constructor(element) {
    this.#element = element;
  }

  /** Rows the charts hold now. */
  points() {
    return this.#view ? this.#view.data("rows").length : 0;
  }

  /** Rows received so far, drawn or still queued. */
  received() {
    return this.#rows.length;
  }

  /** Adds rows; the charts show them once the queue reaches them. */
  add(rows) {
    this.#rows.push(...rows);
    return this.#sync(false);
  }

  /** Switches the x axis (`step` or `virtualTime`). */
  setX(x) {
    this.#x = x;
    return this.#sync(true);
  }

  /** Whether any row has a virtual time. */
  hasVirtualTime() {
    return this.#rows.some((row) => Number.isFinite(row.virtualTime));
  }

  /** Resolves when every queued update is drawn. */
  idle() {
    return this.#queue;
  }

  /**
   * Queues a redraw up to the rows held now: each update draws what had arrived when it was
   * queued, so a page that lags behind the run still grows in the steps the run sent.
   */
  #sync(rebuild) {
    const upto = this.#rows.length;
    this.#queue = this.#queue.then(async () => {
      const held = this.#rows.slice(0, upto);
      const metrics = presentMetrics(held, this.#x);
      const key = metrics.map((m) => m.field).join();
      if (!metrics.length) return;
      if (rebuild || !this.#view || key !== this.#metrics) {
        this.#view?.finalize();
        const spec = chartSpec(metrics, this.#x, held);
        const result = await globalThis.vegaEmbed(this.#element, spec, {
          renderer: "svg",
          actions: false,
        });
        this.#view = result.view;
        this.#metrics = key;
        this.#shown = held.length;
        this.history.push(this.points());
      }
      const fresh = held.slice(this.#shown);
      if (!fresh.length) return;
      await this.#view.insert("rows", fresh).runAsync();
      this.#shown += fresh.length;
      this.history.push(this.points());
    }).catch((error) => console.error("gossim charts:", error));
    return this.#queue;
  }
}
