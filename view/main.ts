/**
 * `deno task view RUN_DIR… [--port N]`: serves finished run directories side by side on
 * 127.0.0.1 (their curves overlaid, one per directory and algorithm, and their summaries)
 * until Ctrl-C.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { compareData, readRunDirectory, RunDirectoryError, uniqueNames } from "./compare.ts";
import { ViewServer, waitForInterrupt } from "./server.ts";

const HELP = `gossim view — compare finished runs in the browser

Usage: deno task view RUN_DIR… [--port N]
Each RUN_DIR is a folder written by \`deno task sim … --out RUN_DIR\` (metrics.jsonl,
summary.json, config.json). The page shows their curves overlaid and their summaries.

  --port N    port on 127.0.0.1 (default 8750, or any free one when taken; 0: any free one)
  -h, --help  this text
`;

/** Options of {@linkcode main}. */
export interface ViewMainOptions {
  /** Stops serving, as Ctrl-C does (for embedding and tests). */
  stop?: AbortSignal;
}

/** Reads `--port`: an integer in [0, 65535], or null when absent. */
export function portOption(flag: string, text: string | undefined): number | null {
  if (text === undefined || text === "") return null;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new RunDirectoryError(`${flag}: expected a port number 0–65535, received "${text}"`);
  }
  return port;
}

/**
 * Runs `deno task view` on `args`; returns the exit code (0 after Ctrl-C, 2 on bad input).
 */
export async function main(args: string[], options: ViewMainOptions = {}): Promise<number> {
  let server: ViewServer | undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { port: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new RunDirectoryError("name at least one RUN_DIR");
    const port = portOption("--port", values.port);
    const names = uniqueNames(positionals);
    const directories = await Promise.all(
      positionals.map((path, i) => readRunDirectory(path, names[i])),
    );
    const data = compareData(directories);
    server = await ViewServer.start({ mode: "compare", port, data: () => data });
    console.log(`gossim: comparing ${names.join(", ")} at ${server.url} (Ctrl-C stops it)`);
    await waitForInterrupt(options.stop);
    return 0;
  } catch (error) {
    const known = error instanceof RunDirectoryError || error instanceof TypeError ||
      error instanceof Deno.errors.AddrInUse;
    console.error(`gossim view: ${known ? (error as Error).message : (error as Error).stack}`);
    return known ? 2 : 1;
  } finally {
    await server?.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
