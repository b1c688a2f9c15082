/**
 * The event log of `--events FILE`: every scheduler event of every actor run as one JSON line,
 * `{"run": index, ...event}`, after a header line. Written to a temporary file beside FILE and
 * renamed over it at the end, so a reader never sees half a log under FILE's name; FILE is
 * never a file gossim did not write.
 *
 * @module
 */
import type { SimEvent } from "../metrics/events.ts";
import { ConfigError } from "./config.ts";
import { VERSION } from "./version.ts";

/** The first line of every event log. */
const HEADER = { gossim: "events", version: VERSION };

/** An open event log. */
export class EventLog {
  readonly #path: string;
  readonly #partial: string;
  readonly #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  #buffer: string[] = [];
  #size = 0;

  private constructor(path: string, file: Deno.FsFile, partial: string) {
    this.#path = path;
    this.#file = file;
    this.#partial = partial;
  }

  /**
   * Opens the log for a run: refused when `path` exists, unless `replace` and it is an earlier
   * gossim event log.
   *
   * @throws {ConfigError} naming `events`, the path and why it cannot be written
   */
  static async open(path: string, replace: boolean): Promise<EventLog> {
    const refuse = (why: string): never => {
      throw new ConfigError([`events = ${JSON.stringify(path)}: ${why}`]);
    };
    const existing = await Deno.open(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return null;
      return refuse(`cannot be read: ${error.message}`);
    });
    if (existing) {
      const head = new Uint8Array(64);
      const read = await existing.read(head);
      existing.close();
      const ours = new TextDecoder().decode(head.subarray(0, read ?? 0))
        .startsWith('{"gossim":"events"');
      if (!ours) refuse("exists and is not a gossim event log; choose another file");
      if (!replace) refuse("holds an earlier event log; pass --overwrite to replace it");
    }
    const partial = `${path}.partial-${Deno.pid}`;
    const file = await Deno.open(partial, { write: true, createNew: true }).catch((error) =>
      refuse(`cannot be written: ${error.message}`)
    );
    const log = new EventLog(path, file, partial);
    log.#push(JSON.stringify(HEADER));
    return log;
  }

  /** Appends run `run`'s event. */
  write(event: SimEvent, run: number): void {
    this.#push(JSON.stringify({ run, ...event }));
  }

  #push(line: string): void {
    this.#buffer.push(line);
    this.#size += line.length + 1;
    if (this.#size > 1 << 20) this.#flush();
  }

  #flush(): void {
    if (!this.#buffer.length) return;
    const bytes = this.#encoder.encode(this.#buffer.join("\n") + "\n");
    for (let written = 0; written < bytes.length;) {
      written += this.#file.writeSync(bytes.subarray(written));
    }
    this.#buffer = [];
    this.#size = 0;
  }

  /** Flushes, closes and renames the log to its name. */
  async close(): Promise<void> {
    this.#flush();
    this.#file.close();
    await Deno.rename(this.#partial, this.#path);
  }

  /** Closes and removes the log (bad input found before the run). */
  async discard(): Promise<void> {
    this.#file.close();
    await Deno.remove(this.#partial).catch(() => {});
  }
}
