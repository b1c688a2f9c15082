/**
 * The report's plots: per experiment, the seed-averaged curves of its methods (test accuracy,
 * and the training loss or the degree of consensus where its claims read them), rendered to
 * SVG headless by `plotMetrics`.
 *
 * @module
 */
import { getAlgorithm } from "../algorithms/registry.ts";
import { plotMetrics, type PlotOptions } from "../metrics/plot.ts";
import { type ExperimentResult, meanCurve } from "./results.ts";

/** One rendered plot. */
export interface Plot {
  /** The file name under the report's `plots/` folder. */
  file: string;
  /** Its title. */
  title: string;
  /** The SVG text. */
  svg: string;
}

interface Panel {
  key: string;
  name: string;
  options: Omit<PlotOptions, "x" | "y" | "title">;
}

function panels(experiment: ExperimentResult): Panel[] {
  const accuracy: Panel = {
    key: experiment.accuracyKey,
    name: "accuracy",
    options: {
      yTitle: experiment.accuracyKey === "accuracy"
        ? "test accuracy of x̄ (mean over seeds)"
        : "mean agent test accuracy (mean over seeds)",
      yFormat: ".0%",
    },
  };
  if (experiment.id.startsWith("000-")) {
    return [accuracy, {
      key: "loss",
      name: "loss",
      options: { yTitle: "training loss f(x̄) (mean over seeds)", logY: true },
    }];
  }
  if (experiment.id.startsWith("004-")) {
    return [accuracy, {
      key: "accuracySpread",
      name: "consensus",
      options: { yTitle: "best − worst agent accuracy (mean over seeds)", yFormat: ".1%" },
    }];
  }
  return [accuracy];
}

/**
 * Renders an experiment's plots.
 *
 * @param experiment its methods' runs
 * @returns the plots that have data, named `<experiment id>_<panel>.svg`
 */
export async function experimentPlots(experiment: ExperimentResult): Promise<Plot[]> {
  const plots: Plot[] = [];
  const epochs = experiment.methods.some((m) => m.epochsPerStep !== undefined);
  for (const panel of panels(experiment)) {
    const rows = experiment.methods.flatMap((method) => {
      // A federated method has one global model: its accuracy stands for the agents' mean.
      const federated = getAlgorithm(method.algorithm).kind === "federated";
      const key = federated && panel.key === "nodeAccuracyMean" ? "accuracy" : panel.key;
      return meanCurve(method, key, panel.key);
    });
    const title = `${experiment.title}: ${panel.name}`;
    const svg = await plotMetrics(rows, {
      x: "step",
      y: panel.key,
      title,
      ...panel.options,
      ...(epochs ? { xTitle: "epochs (of an agent's equal share)" } : {}),
    });
    if (svg !== null) plots.push({ file: `${experiment.id}_${panel.name}.svg`, title, svg });
  }
  return plots;
}
