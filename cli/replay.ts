/**
 * `deno task replay RUN_DIR`: reruns a run directory's `config.json` into a fresh directory
 * and checks that `metrics.jsonl` (and the event log, if the run kept one) come out
 * byte-identical. Prints the first differing line otherwise; exit 0 identical, 1 different,
 * 2 bad input.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../simulation/config.ts";
import { runSimulation } from "../simulation/mod.ts";
import { UsageError } from "./values.ts";

/** Where two texts first differ, by line; null when they are equal. */
export function firstDifference(
  expected: string,
  actual: string,
): { line: number; expected: string; actual: string } | null {
  if (expected === actual) return null;
  const a = expected.split("\n"), b = actual.split("\n");
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if (a[k] !== b[k]) {
      return { line: k + 1, expected: a[k] ?? "(end of file)", actual: b[k] ?? "(end of file)" };
    }
  }
  return null;
}

/** A run directory's config with its paths pointed at `scratch`. */
async function recordedConfig(directory: string, scratch: string) {
  let text: string;
  try {
    text = await Deno.readTextFile(join(directory, "config.json"));
  } catch (error) {
    throw new UsageError(`Cannot replay ${directory}: ${(error as Error).message}`);
  }
  const config = JSON.parse(text);
  const events = typeof config.events === "string" ? config.events : null;
  return {
    config: {
      ...config,
      out: join(scratch, "run"),
      events: events && join(scratch, "events.jsonl"),
    },
    events,
  };
}

/**
 * Replays `directory`; returns the exit code and prints what differs.
 *
 * @param directory a run directory written by gossim
 */
export async function replay(directory: string): Promise<number> {
  const scratch = await Deno.makeTempDir({ prefix: "gossim-replay-" });
  try {
    const { config, events } = await recordedConfig(directory, scratch);
    await runSimulation(config);
    const checks: [string, string, string][] = [
      ["metrics.jsonl", join(directory, "metrics.jsonl"), join(scratch, "run", "metrics.jsonl")],
    ];
    if (events) checks.push(["event log", events, join(scratch, "events.jsonl")]);
    let code = 0;
    for (const [what, original, again] of checks) {
      const difference = firstDifference(
        await Deno.readTextFile(original),
        await Deno.readTextFile(again),
      );
      if (difference) {
        code = 1;
        console.log(
          `${what} differs at line ${difference.line}:\n  recorded: ${difference.expected}\n` +
            `  replayed: ${difference.actual}`,
        );
      } else console.log(`${what}: identical (${original})`);
    }
    return code;
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

if (import.meta.main) {
  const [directory] = Deno.args;
  if (!directory || Deno.args.length !== 1) {
    console.error("usage: deno task replay RUN_DIR");
    Deno.exit(2);
  }
  try {
    Deno.exit(await replay(directory));
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`gossim replay: ${error.message}`);
      Deno.exit(2);
    }
    throw error;
  }
}
