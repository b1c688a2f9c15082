/**
 * Where a run may write: only into a directory it created, an empty one, or one holding an
 * earlier gossim run (replaced whole, and only on request). The directory is claimed before
 * any compute — a bad `out` fails at once, not after the run — and locked, so a second run on
 * the same directory is refused instead of mixing its files in.
 *
 * Inside the directory, `.gossim-run` lists the files gossim wrote (so a replacement removes
 * exactly those, never a user's own file) and `.gossim-lock` holds the writing process's id
 * while a run is under way.
 *
 * @module
 */
import { ConfigError } from "./config.ts";

/** The marker naming the files of a gossim run. */
export const RUN_MARKER = ".gossim-run";
/** The lock held while a run writes. */
export const RUN_LOCK = ".gossim-lock";

/** An output directory claimed by this process for one run. */
export class OutputDirectory {
  /** The directory's path. */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Claims `path` for a run: creates it if it does not exist, checks it may be written, locks
   * it, and (with `replace`) removes the earlier run's files.
   *
   * @param path the output directory
   * @param replace whether an earlier gossim run there may be replaced
   * @throws {ConfigError} naming `out`, the path and why it cannot be used
   */
  static async claim(path: string, replace: boolean): Promise<OutputDirectory> {
    const refuse = (why: string): never => {
      throw new ConfigError([`out = ${JSON.stringify(path)}: ${why}`]);
    };
    let entries: string[];
    try {
      const info = await Deno.stat(path);
      if (!info.isDirectory) refuse("is a file, not a directory");
      entries = [];
      for await (const entry of Deno.readDir(path)) entries.push(entry.name);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (!(error instanceof Deno.errors.NotFound)) refuse(`cannot be read: ${message(error)}`);
      try {
        await Deno.mkdir(path, { recursive: true });
      } catch (cause) {
        refuse(`cannot be created: ${message(cause)}`);
      }
      entries = [];
    }
    if (entries.includes(RUN_LOCK)) {
      const holder = await Deno.readTextFile(`${path}/${RUN_LOCK}`).catch(() => "?");
      refuse(
        `another gossim run (process ${holder.trim()}) is writing there; if none is, ` +
          `remove ${path}/${RUN_LOCK}`,
      );
    }
    const earlier = entries.includes(RUN_MARKER) ? await readMarker(path) : [];
    const foreign = entries.filter((name) => name !== RUN_MARKER && !earlier.includes(name));
    if (foreign.length) {
      refuse(
        `holds files gossim did not write (${foreign.slice(0, 5).join(", ")}` +
          `${foreign.length > 5 ? ", …" : ""}); choose a new or empty directory`,
      );
    }
    if (earlier.length && !replace) {
      refuse("holds an earlier gossim run; pass --overwrite (overwrite: true) to replace it");
    }
    try {
      await Deno.writeTextFile(`${path}/${RUN_LOCK}`, `${Deno.pid}\n`, { createNew: true });
    } catch (error) {
      refuse(
        error instanceof Deno.errors.AlreadyExists
          ? "another gossim run claimed it at the same moment"
          : `cannot be written: ${message(error)}`,
      );
    }
    const directory = new OutputDirectory(path);
    for (const name of earlier) await Deno.remove(`${path}/${name}`).catch(() => {});
    await directory.#mark([]);
    return directory;
  }

  /** Records the files of this run (everything in the directory but the lock). */
  async seal(): Promise<void> {
    const files: string[] = [];
    for await (const entry of Deno.readDir(this.path)) {
      if (entry.name !== RUN_LOCK && entry.name !== RUN_MARKER) files.push(entry.name);
    }
    await this.#mark(files.sort());
  }

  /** Releases the lock (idempotent). */
  async release(): Promise<void> {
    await Deno.remove(`${this.path}/${RUN_LOCK}`).catch(() => {});
  }

  async #mark(files: string[]): Promise<void> {
    await Deno.writeTextFile(
      `${this.path}/${RUN_MARKER}`,
      JSON.stringify({ gossim: true, files }) + "\n",
    );
  }
}

async function readMarker(path: string): Promise<string[]> {
  try {
    const marker = JSON.parse(await Deno.readTextFile(`${path}/${RUN_MARKER}`));
    return Array.isArray(marker.files)
      ? marker.files.filter((f: unknown) => typeof f === "string")
      : [];
  } catch {
    return [];
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
