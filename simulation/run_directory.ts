/**
 * The run directory: `config.json`, `metrics.jsonl`, `metrics.csv`, `summary.json` and the SVG
 * plots, each written atomically. Everything but `summary.json`'s wall times depends only on
 * the config.
 *
 * @module
 */
import type { MetricsRow } from "../metrics/rows.ts";
import { toCsv, toJsonl, writeFileAtomic } from "../metrics/report.ts";
import { writePlots } from "../metrics/run_plots.ts";
import type { SimulationResult } from "./trials.ts";

/** What a run directory holds: a simulation's result, or as much of it as was completed. */
export type RunRecord = SimulationResult;
import { VERSION } from "./version.ts";
import { getAlgorithm } from "../algorithms/registry.ts";

/** How a run ended, for `summary.json`. */
export interface RunEnding {
  /** `interrupted` (Ctrl-C) or `failed` (an error). */
  status: "interrupted" | "failed";
  /** What stopped it. */
  error: unknown;
  /** Rows of the run under way when it stopped. */
  partial: MetricsRow[];
}

/**
 * Writes `config.json`, `metrics.jsonl`, `metrics.csv` and `summary.json` into `directory`,
 * then the SVG plots (`loss.svg`, `consensus.svg`, …; see {@linkcode writePlots}), each
 * atomically. A run that stopped early writes what it completed, and its summary says why.
 */
export async function writeRunDirectory(
  directory: string,
  result: RunRecord,
  ending?: RunEnding,
): Promise<void> {
  await Deno.mkdir(directory, { recursive: true });
  const rows = [
    ...result.runs.flatMap((run) =>
      result.config.repeat > 1 ? run.rows.map((row) => ({ ...row, seed: run.seed })) : run.rows
    ),
    ...(ending?.partial ?? []),
  ];
  const summary = {
    version: VERSION,
    status: ending?.status ??
      (result.runs.some((run) => run.actors?.stopped) ? "stopped early" : "complete"),
    ...(ending ? { error: String((ending.error as Error)?.message ?? ending.error) } : {}),
    spectral: result.spectral,
    // Federated: the fraction asked for, as whole clients, max(1, round(participation × N)).
    ...(result.config.algorithms.some((a) => getAlgorithm(a.name).kind === "federated")
      ? {
        clientsPerRound: Math.max(
          1,
          Math.round(result.config.federated.participation * result.config.nodes),
        ),
      }
      : {}),
    runs: result.runs.map((run) => ({
      label: run.label,
      algorithm: run.algorithm,
      seed: run.seed,
      final: run.rows.at(-1),
      ...(run.actors ?? {}),
      nodeAccuracy: run.nodeAccuracy,
      classHistogram: run.classHistogram,
      wallMs: Math.round(run.wallMs),
    })),
    repeats: result.repeats,
    best: result.best,
  };
  const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
  await writeFileAtomic(`${directory}/config.json`, json({ version: VERSION, ...result.config }));
  await writeFileAtomic(`${directory}/metrics.jsonl`, toJsonl(rows));
  await writeFileAtomic(`${directory}/metrics.csv`, toCsv(rows));
  await writeFileAtomic(`${directory}/summary.json`, json(summary));
  // Last, so that a plotting failure leaves the data files written. With repeats, the
  // first seed's curves are plotted.
  const firstSeed = result.runs.length ? result.runs[0].seed : result.config.seed;
  const plotted = result.runs.filter((run) => run.seed === firstSeed).flatMap((run) => run.rows);
  await writePlots(directory, [...plotted, ...(ending?.partial ?? [])]);
}
