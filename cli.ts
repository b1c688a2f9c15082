/**
 * The command line: `deno task sim [flags]`. Parses flags (one table in `cli/flags.ts`) and
 * an optional JSON config file that flags override, validates everything before running,
 * runs, prints a table. Bad input: a message naming the flag or field, exit code 2.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { ConfigError, type SimulationConfig } from "./simulation/config.ts";
import { resolveConfig } from "./simulation/resolve_config.ts";
import { runSimulation, type SimulationResult, VERSION } from "./simulation/mod.ts";
import { createProgress, type Progress } from "./metrics/progress.ts";
import type { ActorMetricsRow } from "./metrics/rows.ts";
import { applyFlags, helpText, parseFlags, UsageError } from "./cli/flags.ts";
import { report } from "./cli/report.ts";
import { NodeFailureError } from "./algorithms/node_failure.ts";
import { LIVE_HINT, RING_LOGISTIC, STRAGGLERS, THEOREM_1 } from "./cli/defaults.ts";
import { LiveView } from "./view/live.ts";
import { joinNatsHosts, natsRerunFlags, natsSettings } from "./cli/nats_flags.ts";
import type { NatsHosts } from "./actors/nats_hosts.ts";

export { UsageError };

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`--config: cannot read "${path}": ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SyntaxError("the top level must be an object");
    }
    return resolvePaths(value, path);
  } catch (error) {
    throw new UsageError(`--config: "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * A scenario file's relative paths (`out`, `topology.file`, `problem.dataDir`) name places
 * beside it, wherever gossim is run from: a downloaded scenario cannot aim at the folder it
 * is run in.
 */
function resolvePaths(config: Record<string, unknown>, file: string): Record<string, unknown> {
  const folder = dirname(resolve(file));
  const resolved = { ...config };
  for (const field of ["out", "events"]) {
    if (typeof config[field] === "string") {
      resolved[field] = resolve(folder, config[field] as string);
    }
  }
  for (const [key, field] of [["topology", "file"], ["problem", "dataDir"]] as const) {
    const part = config[key] as Record<string, unknown> | undefined;
    if (typeof part?.[field] === "string") {
      resolved[key] = { ...part, [field]: resolve(folder, part[field] as string) };
    }
  }
  return resolved;
}

/**
 * Runs a simulation with a progress line on stderr (when it is a terminal) and Ctrl-C
 * handling: the first Ctrl-C stops the run between steps, writes what was completed, exits 130.
 */
async function runWithProgress(
  input: SimulationConfig,
  quiet: boolean,
  view?: LiveView,
  transport?: NatsHosts,
): Promise<SimulationResult> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Interrupted());
  Deno.addSignalListener("SIGINT", interrupt);
  const state: { progress: Progress | null } = { progress: null };
  let current = -1;
  try {
    const terminal = !quiet && Deno.stderr.isTerminal();
    return await runSimulation(input, {
      signal: controller.signal,
      ...(transport ? { transport } : {}),
      onPhase: (phase) => terminal && console.error(`gossim: ${phase}…`),
      onEvent: view?.hooks.onEvent,
      onRow(row, run) {
        view?.hooks.onRow(row, run);
        if (run.index !== current) {
          state.progress?.finish();
          current = run.index;
          state.progress = createProgress({
            total: run.steps,
            label: `[${run.index + 1}/${run.total}] ${row.algorithm}`,
            quiet,
          });
        }
        const virtualTime = (row as Partial<ActorMetricsRow>).virtualTime;
        state.progress!.update(row.step, { loss: row.loss, virtualTime });
      },
    });
  } finally {
    state.progress?.finish();
    Deno.removeSignalListener("SIGINT", interrupt);
  }
}

/**
 * The one command that reruns a failed run: its run directory's `config.json`, or the resolved
 * config written to a temporary file when it had no output directory.
 */
async function reproduction(config: SimulationConfig, extra = ""): Promise<string> {
  let file = config.out ? `${config.out}/config.json` : null;
  if (!file || !(await Deno.stat(file).then(() => true, () => false))) {
    file = await Deno.makeTempFile({ prefix: "gossim-failed-", suffix: ".json" });
    await Deno.writeTextFile(file, JSON.stringify({ version: VERSION, ...config }, null, 2) + "\n");
  }
  return `deno task sim --config ${file}${config.out ? " --out NEW_DIRECTORY" : ""}${extra}`;
}

/** The run was stopped by Ctrl-C. */
class Interrupted extends Error {
  constructor() {
    super("interrupted (Ctrl-C): completed outputs were written");
    this.name = "Interrupted";
  }
}

/** `--serve [PORT]`: starts the live view of the run `input` describes and prints its URL. */
async function openLiveView(config: SimulationConfig, text: string): Promise<LiveView> {
  const port = text === "" ? null : Number(text);
  if (port !== null && !(/^\d+$/.test(text) && port <= 65535)) {
    throw new UsageError(`--serve: expected a port number 0–65535, received "${text}"`);
  }
  try {
    const view = await LiveView.start(config, { port });
    console.log(`gossim: live view at ${view.url} (it stays up after the run until Ctrl-C)`);
    return view;
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new UsageError(`--serve: port ${port} is in use; give another, or 0 for any free port`);
  }
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /** Stops serving a `--serve` view after the run, as Ctrl-C does (embedding, tests). */
  stop?: AbortSignal;
}

/**
 * Runs the command line on `args`; returns the exit code (0 ok, 1 run failure, 2 bad input,
 * 130 interrupted). With `--serve`, the live view stays up after the run until Ctrl-C (or
 * `options.stop`), unless the run was interrupted.
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const session: Session = { stop: options.stop };
  const code = await run(args, session);
  if (session.view) {
    if (code !== 130) {
      console.log(`gossim: serving the live view at ${session.view.url} until Ctrl-C`);
      await session.stopped;
    }
    await session.view.close();
  }
  return code;
}

/** A command line run's live view, and when to stop serving it. */
interface Session {
  /** Stops serving, as Ctrl-C does. */
  stop?: AbortSignal;
  /** The live view, with `--serve`. */
  view?: LiveView;
  /** Resolves on the first Ctrl-C from the moment the view opened (none is lost). */
  stopped?: Promise<void>;
}

async function run(args: string[], session: Session): Promise<number> {
  // The config is resolved once here; the run, the live view and a failure's reproduction
  // command take it as it is.
  let input: SimulationConfig | undefined;
  let rerun = "";
  let hosts: NatsHosts | undefined;
  try {
    const values = parseFlags(args);
    if (values.help) {
      console.log(helpText());
      return 0;
    }
    const base = values.config ? await readConfigFile(values.config as string) : undefined;
    if (!base && args.filter((a) => a !== "--quiet").length === 0) {
      for (const scenario of [THEOREM_1, RING_LOGISTIC, ...STRAGGLERS]) {
        const result = await runSimulation(scenario);
        if (!values.quiet) report(result, scenario.name);
      }
      if (!values.quiet) console.log(`\n${LIVE_HINT}`);
      return 0;
    }
    input = resolveConfig(applyFlags(base ?? {}, values));
    if (values["print-config"]) {
      console.log(JSON.stringify(input, null, 2));
      return 0;
    }
    const nats = natsSettings(values, input);
    if (values.serve !== undefined) {
      session.view = await openLiveView(input, values.serve as string);
      session.stopped = session.view.waitForInterrupt(session.stop);
    }
    if (nats) {
      rerun = natsRerunFlags(nats);
      hosts = await joinNatsHosts(nats, input);
    }
    const result = await runWithProgress(input, values.quiet === true, session.view, hosts);
    session.view?.finish({ status: "complete" });
    if (!values.quiet) report(result, result.config.name);
    return 0;
  } catch (error) {
    session.view?.finish({
      status: error instanceof Interrupted ? "interrupted" : "failed",
      error: (error as Error).message,
    });
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`gossim: ${error.message}`);
      return 2;
    }
    if (error instanceof Interrupted) {
      console.error(`gossim: ${error.message}`);
      return 130;
    }
    // A node's failure says which node, which step and why (its own stack for code that
    // threw); gossim's internals add nothing for the user.
    const detail = error instanceof NodeFailureError || (error as Error).name === "HostFailure"
      ? (error as Error).message
      : (error as Error).stack ?? error;
    console.error(`gossim: run failed: ${detail}`);
    if (input) console.error(`gossim: reproduce with: ${await reproduction(input, rerun)}`);
    return 1;
  } finally {
    await hosts?.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
