/**
 * `deno task reproduce [--quick] [--out DIR] [--quiet]`: runs every paper experiment (seed 000,
 * 003, 004) at the full scale (about half an hour on two cores) or the quick one (CI), checks
 * every claim of ALGORITHMS.md §7 and writes the report: `report.md`, `report.html` (plots
 * inline), `claims.json` (one verdict per claim), `results.json` (every run's rows) and
 * `plots/*.svg`, into `runs/reproduce` (or `runs/reproduce-quick`) unless `--out` says where.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { checkClaims } from "./claims.ts";
import { experimentPlots, type Plot } from "./plots.ts";
import { toHtml, toMarkdown } from "./report.ts";
import { reportBlocks } from "./report_content.ts";
import type { Results } from "./results.ts";
import { FULL_SCALE, QUICK_SCALE, type Scale } from "./scale.ts";
import { runSeed000 } from "./seed000.ts";
import { runSeed003 } from "./seed003.ts";
import { runSeed004 } from "./seed004.ts";

const HELP = `deno task reproduce [--quick] [--out DIR] [--quiet] [--from FILE]

Runs the papers' experiments, tunes α per method on a validation split, repeats over seeds,
and writes a report with one verdict per claim (ALGORITHMS.md §7).

  --quick      a tiny run of everything (seconds to a minute): the report's structure only
  --out DIR    where the report goes (default runs/reproduce, or runs/reproduce-quick)
  --quiet      no progress lines
  --from FILE  write the report from an earlier run's results.json instead of running
  --help       this text`;

/** What {@linkcode reproduce} wrote. */
export interface ReproduceOutcome {
  /** The output folder. */
  out: string;
  /** Passing and failing claims. */
  passed: number;
  /** Claims that failed. */
  failed: number;
  /** Wall-clock seconds. */
  wallSeconds: number;
}

/**
 * Runs the reproduction and writes its report.
 *
 * @param options the scale, output folder and progress sink
 * @returns where the report is and how many claims passed
 */
export async function reproduce(
  options: {
    quick: boolean;
    out: string;
    log: (line: string) => void;
    from?: { scale: Scale; results: Results; wallSeconds: number };
  },
): Promise<ReproduceOutcome> {
  const start = performance.now();
  const elapsed = () => `${((performance.now() - start) / 1000).toFixed(0).padStart(5)} s`;
  const log = (line: string) => options.log(`${elapsed()}  ${line}`);
  const scale = options.from?.scale ?? (options.quick ? QUICK_SCALE : FULL_SCALE);
  const results: Results = options.from?.results ?? {};
  if (!options.from) {
    for (const run of [runSeed000, runSeed003, runSeed004]) {
      for (const experiment of await run(scale, log)) results[experiment.id] = experiment;
    }
  }
  const claims = checkClaims(results, scale);
  const plots: Record<string, Plot[]> = {};
  for (const experiment of Object.values(results)) {
    plots[experiment.id] = await experimentPlots(experiment);
  }
  const wallSeconds = options.from?.wallSeconds ?? (performance.now() - start) / 1000;
  const blocks = reportBlocks({ scale, results, claims, plots, wallSeconds });
  await Deno.mkdir(`${options.out}/plots`, { recursive: true });
  for (const plot of Object.values(plots).flat()) {
    await Deno.writeTextFile(`${options.out}/plots/${plot.file}`, plot.svg);
  }
  await Deno.writeTextFile(`${options.out}/report.md`, toMarkdown(blocks));
  await Deno.writeTextFile(
    `${options.out}/report.html`,
    toHtml(blocks, "gossim: the papers' claims, reproduced"),
  );
  await Deno.writeTextFile(
    `${options.out}/claims.json`,
    JSON.stringify({ scale: scale.name, wallSeconds, claims }, null, 2) + "\n",
  );
  await Deno.writeTextFile(
    `${options.out}/results.json`,
    JSON.stringify({ scale, results }) + "\n",
  );
  const passed = claims.filter((c) => c.verdict === "pass").length;
  log(`${passed} of ${claims.length} claims reproduce; report in ${options.out}/report.md`);
  return { out: options.out, passed, failed: claims.length - passed, wallSeconds };
}

/**
 * The command line.
 *
 * @param args the arguments after the script
 * @returns the exit code: 0 when the report was written (whatever the verdicts), 2 on bad flags
 */
export async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        quick: { type: "boolean", default: false },
        out: { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
        from: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`Cannot reproduce: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const out = flags.out ?? (flags.quick ? "runs/reproduce-quick" : "runs/reproduce");
  let from;
  if (flags.from !== undefined) {
    try {
      from = JSON.parse(await Deno.readTextFile(flags.from));
      if (typeof from?.scale?.name !== "string" || typeof from?.results !== "object") {
        throw new Error("it holds no scale and results");
      }
    } catch (error) {
      console.error(
        `Cannot reproduce: --from must name an earlier run's results.json (${
          (error as Error).message
        }), received ${flags.from}`,
      );
      return 2;
    }
    from.wallSeconds ??= 0;
  }
  await reproduce({
    quick: flags.quick,
    out,
    log: flags.quiet ? () => {} : (line) => console.error(line),
    from,
  });
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
