/**
 * What the command line prints after a simulation: the header with W's spectral facts, the
 * table of final metrics, repeat statistics, sweep winners, and the actor engine's network
 * summary per run.
 *
 * @module
 */
import { getAlgorithm } from "../algorithms/registry.ts";
import { formatTable } from "../metrics/report.ts";
import type { ActorMetricsRow } from "../metrics/rows.ts";
import type { MeanStd, SimulationResult } from "../simulation/mod.ts";

/** Prints a simulation's results under `title`. */
export function report(result: SimulationResult, title: string): void {
  const { lambda, gap } = result.spectral ?? { lambda: NaN, gap: NaN };
  const { nodes, topology, steps, seed, federated } = result.config;
  const allFederated = result.config.algorithms.every((a) =>
    getAlgorithm(a.name).kind === "federated"
  );
  const network = allFederated
    ? `${nodes} clients, participation ${federated.participation}, ${
      federated.localEpochs
        ? `${federated.localEpochs} local epochs`
        : `${federated.localSteps} local steps`
    }, ${steps} rounds`
    : result.config.schedule.type !== "static"
    ? `${nodes} nodes, schedule ${result.config.schedule.type}${
      result.spectral ? `, λ = ${lambda.toFixed(4)}` : ""
    }, ${steps} steps`
    : `${nodes} nodes, ${topology.type}, λ = ${lambda.toFixed(4)} (gap ${
      gap < 1e-3 ? gap.toExponential(3) : gap.toFixed(4)
    }), ${steps} steps`;
  console.log(`\n${title}: ${network}, seed ${seed}`);
  const firstSeed = result.runs[0]?.seed;
  const honest = result.runs[0]?.rows.at(-1)?.honestNodes;
  const byzantine = result.config.exchange.byzantine;
  if (byzantine && honest !== undefined) {
    console.log(
      `${nodes - honest} Byzantine nodes (${byzantine.attack.name}): every metric below is ` +
        `over the ${honest} honest nodes`,
    );
  }
  console.log(
    formatTable(result.runs.filter((run) => run.seed === firstSeed).map((run) => run.rows.at(-1)!)),
  );
  if (result.config.repeat > 1) {
    console.log(`\nmean ± std over ${result.config.repeat} seeds:`);
    for (const [label, stats] of Object.entries(result.repeats)) {
      const show = (name: string, s: MeanStd | null) =>
        s ? `${name} ${s.mean.toPrecision(4)} ± ${s.std.toPrecision(2)}` : "";
      console.log(
        `  ${label}: ${
          [show("loss", stats.loss), show("accuracy", stats.accuracy)].filter(Boolean).join(", ")
        }`,
      );
    }
  }
  for (const [name, choice] of Object.entries(result.best)) {
    console.log(
      `best ${choice.param} for ${name}: ${choice.value} (${result.config.sweep!.metric} ${
        choice.score.toPrecision(4)
      })`,
    );
  }
  for (const run of result.runs) {
    const last = run.rows.at(-1) as Partial<ActorMetricsRow>;
    if (!run.actors || last.virtualTime === undefined) continue;
    const steps = run.actors.nodeSteps;
    console.log(
      `${run.algorithm}: virtual time ${last.virtualTime.toFixed(3)} s, ${last.messages} sent, ` +
        `${last.delivered} delivered, ${last.dropped} dropped, ${last.late} late, staleness ` +
        `mean ${last.stalenessMean!.toFixed(2)} max ${last.stalenessMax}, node steps ` +
        `${Math.min(...steps)}–${Math.max(...steps)}` +
        (run.actors.missedDeadline
          ? `, ${run.actors.missedDeadline} uploads missed the deadline`
          : "") +
        (run.actors.droppedUploads ? `, ${run.actors.droppedUploads} uploads lost` : "") +
        (run.actors.stopped ? `\n${run.algorithm}: stopped early: ${run.actors.stopped}` : ""),
    );
  }
}
