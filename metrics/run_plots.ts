/**
 * The plots of a run directory: which metrics get a chart, with which axes, and writing them.
 *
 * @module
 */
import { plotMetrics, type PlotOptions } from "./plot.ts";
import { writeFileAtomic } from "./report.ts";

/** One file {@linkcode writePlots} may write. */
interface PlotFile {
  file: string;
  options: PlotOptions;
  /** The rows as this plot reads them (default: as they are). */
  series?: (rows: readonly object[]) => object[];
}

/** Each row's realised and nominal mixing rates as two lines per algorithm (field `rate`). */
function mixingSeries(rows: readonly object[]): object[] {
  return rows.flatMap((row) => {
    const { algorithm, step, mixingRate, nominalRate } = row as Record<string, unknown>;
    if (mixingRate === undefined) return [];
    return [
      { algorithm: `${algorithm} ρ̂ (realised)`, step, rate: mixingRate },
      { algorithm: `${algorithm} nominal`, step, rate: nominalRate },
    ];
  });
}

const PLOT_FILES: readonly PlotFile[] = [
  {
    file: "loss.svg",
    options: { x: "step", y: "loss", title: "Loss", yTitle: "f(x̄)", logY: true },
  },
  {
    file: "accuracy.svg",
    options: {
      x: "step",
      y: "accuracy",
      title: "Accuracy",
      yTitle: "accuracy of x̄",
      yFormat: ".0%",
    },
  },
  {
    file: "consensus.svg",
    options: {
      x: "step",
      y: "consensusDistance",
      title: "Consensus distance",
      yTitle: "(1/N) Σ ‖xᵢ − x̄‖²",
      logY: true,
    },
  },
  {
    file: "grad_norm.svg",
    options: { x: "step", y: "gradNormSq", title: "Gradient norm", yTitle: "‖∇f(x̄)‖²", logY: true },
  },
  {
    file: "loss_vs_time.svg",
    options: {
      x: "virtualTime",
      y: "loss",
      title: "Loss against virtual time",
      yTitle: "f(x̄)",
      logY: true,
    },
  },
  {
    file: "loss_vs_bytes.svg",
    options: {
      x: "bytes",
      y: "loss",
      title: "Loss against bytes sent",
      yTitle: "f(x̄)",
      logY: true,
      logX: true,
    },
  },
  {
    file: "dropped.svg",
    options: {
      x: "step",
      y: "dropped",
      title: "Dropped messages",
      yTitle: "messages dropped so far",
    },
  },
  {
    file: "mixing_rate.svg",
    options: {
      x: "step",
      y: "rate",
      title: "Realised mixing rate ρ̂ and the nominal rate, per window",
      yTitle: "per-step contraction of disagreement",
    },
    series: mixingSeries,
  },
  {
    file: "tracking_error.svg",
    options: {
      x: "step",
      y: "trackingError",
      title: "Tracking error",
      yTitle: "‖(1/N) Σ (yᵢ − gᵢ)‖",
      logY: true,
    },
  },
  {
    file: "accuracy_spread.svg",
    options: {
      x: "step",
      y: "accuracySpread",
      title: "Accuracy spread across nodes",
      yTitle: "accuracy spread",
    },
  },
];

/**
 * Writes the plots that `rows` have data for into `directory` (which must exist), each
 * atomically: `loss.svg`, `accuracy.svg`, `consensus.svg` and `grad_norm.svg` against the
 * step, `loss_vs_time.svg` when rows have `virtualTime`, `loss_vs_bytes.svg` (a log x axis), `dropped.svg` when they have
 * `dropped`, `mixing_rate.svg` (ρ̂ beside the nominal rate) when they have `mixingRate`,
 * `tracking_error.svg` when they have `trackingError`, `accuracy_spread.svg` when they have
 * `accuracySpread`. Loss, consensus distance, gradient norm and tracking error use a log axis.
 * A metric no row has gives no file.
 *
 * @param directory the run directory
 * @param rows metrics rows of one or more algorithms (one line each)
 * @returns the names of the files written, in the order above
 */
export async function writePlots(directory: string, rows: readonly object[]): Promise<string[]> {
  const written: string[] = [];
  for (const { file, options, series } of PLOT_FILES) {
    const svg = await plotMetrics(series ? series(rows) : rows, options);
    if (svg === null) continue;
    await writeFileAtomic(`${directory}/${file}`, svg);
    written.push(file);
  }
  return written;
}
