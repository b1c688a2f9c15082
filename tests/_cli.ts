// Runs the command line in-process, capturing what it prints.
import { main } from "../cli.ts";

/** What one CLI run returned and printed. */
export interface CliRun {
  /** The exit code main() returned. */
  code: number;
  /** stdout lines, joined. */
  out: string;
  /** stderr lines, joined. */
  err: string;
}

/** Runs `main(args)` with console output captured. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => err.push(parts.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}
