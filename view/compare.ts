/**
 * Finished runs side by side (`deno task view RUN_DIR…`): each run directory's
 * `metrics.jsonl`, `summary.json` and `config.json` (as `simulation/run_directory.ts`
 * writes them), read into one data set whose curves are named by directory and algorithm.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";

/** One run directory, read. */
export interface RunDirectory {
  /** Its short name in the page (the folder's name, made unique). */
  name: string;
  /** Its absolute path. */
  path: string;
  /** `config.json`: the resolved config, or null if missing. */
  config: Record<string, unknown> | null;
  /** `summary.json`: final metrics, network counters, status, or null if missing. */
  summary: Record<string, unknown> | null;
  /** `metrics.jsonl`, one object per line. */
  rows: Record<string, unknown>[];
}

/** A run directory that cannot be shown; the message names the file and the reason. */
export class RunDirectoryError extends Error {
  /** @param message what is wrong, naming the file */
  constructor(message: string) {
    super(message);
    this.name = "RunDirectoryError";
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new RunDirectoryError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunDirectoryError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads one run directory.
 *
 * @param path the directory a run wrote with `--out`
 * @param name its name in the page (default: the folder's name)
 * @throws {RunDirectoryError} when `metrics.jsonl` is missing or a file does not parse
 */
export async function readRunDirectory(path: string, name?: string): Promise<RunDirectory> {
  const folder = resolve(path);
  const metrics = `${folder}/metrics.jsonl`;
  let text: string;
  try {
    text = await Deno.readTextFile(metrics);
  } catch (error) {
    throw new RunDirectoryError(
      `${path} is not a gossim run directory: cannot read ${metrics} (${
        (error as Error).message
      }); write one with \`deno task sim … --out DIR\``,
    );
  }
  const rows = text.split("\n").filter((line) => line.trim() !== "").map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new RunDirectoryError(`${metrics}:${i + 1}: ${(error as Error).message}`);
    }
  });
  return {
    name: name ?? basename(folder),
    path: folder,
    config: await readJson(`${folder}/config.json`),
    summary: await readJson(`${folder}/summary.json`),
    rows,
  };
}

/**
 * Names unique among `paths`: the folder's name; where two share it, with their parent's
 * name; where those still clash (the same folder twice), numbered.
 */
export function uniqueNames(paths: readonly string[]): string[] {
  const folders = paths.map((path) => resolve(path));
  const names = folders.map((folder) => basename(folder));
  const clashes = (list: string[], i: number) => list.filter((n) => n === list[i]).length > 1;
  const qualified = names.map((name, i) =>
    clashes(names, i) ? `${basename(dirname(folders[i]))}/${name}` : name
  );
  return qualified.map((name, i) =>
    clashes(qualified, i)
      ? `${names[i]} (${qualified.slice(0, i + 1).filter((n) => n === name).length})`
      : name
  );
}

/** What the compare page receives. */
export interface CompareData {
  /** Always `compare`. */
  mode: "compare";
  /** The page's title. */
  title: string;
  /** Each directory's name, path, config and summary. */
  sources: Omit<RunDirectory, "rows">[];
  /** Every row, with `source` (the directory's name) and `series` (its curve's name). */
  rows: Record<string, unknown>[];
}

/** Joins run directories into one data set, a curve per directory and algorithm (and seed). */
export function compareData(directories: readonly RunDirectory[]): CompareData {
  return {
    mode: "compare",
    title: `compare: ${directories.map((d) => d.name).join(", ")}`,
    sources: directories.map(({ rows: _, ...source }) => source),
    rows: directories.flatMap((directory) =>
      directory.rows.map((row) => ({
        ...row,
        source: directory.name,
        series: `${directory.name} · ${row.algorithm}${
          typeof row.seed === "number" ? ` · seed ${row.seed}` : ""
        }`,
      }))
    ),
  };
}
