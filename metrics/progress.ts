/**
 * A progress line for long runs, on stderr: one line rewritten in place with `\r`, e.g.
 *
 * ```text
 * dadam  12000/20000  60.0%  t=34.2s  ETA 0:05  loss 0.1271
 * ```
 *
 * @module
 */

/** Where {@linkcode createProgress} writes: anything with a `writeSync`, like `Deno.stderr`. */
export interface ProgressStream {
  /** Writes bytes; returns how many were written. */
  writeSync(bytes: Uint8Array): number;
}

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** The number of steps (or rounds) that make 100%; a positive integer. */
  total: number;
  /** Shown first on the line, e.g. the algorithm's name. */
  label: string;
  /** Print nothing. Default false. */
  quiet?: boolean;
  /** Where to write. Default `Deno.stderr`. */
  stream?: ProgressStream;
  /**
   * Whether `stream` is a terminal. Default `Deno.stderr.isTerminal()` for the default stream
   * and false for any other, so that a redirected stderr gets no `\r` lines.
   */
  terminal?: boolean;
  /** The least wall time between two rewrites of the line, in milliseconds. Default 100. */
  intervalMs?: number;
  /** The wall clock in milliseconds (tests pass a fake one). Default `performance.now`. */
  now?: () => number;
}

/** What a run reports with each update. */
export interface ProgressInfo {
  /** The simulated time reached, in virtual seconds. */
  virtualTime?: number;
  /** The current loss. */
  loss?: number;
}

/** A progress reporter. */
export interface Progress {
  /**
   * Reports that `done` of `total` steps are finished. The line is rewritten at most once per
   * `intervalMs`, and always when `done` reaches `total`.
   */
  update(done: number, info?: ProgressInfo): void;
  /** Writes the latest state if it was throttled away, then ends the line. Idempotent. */
  finish(): void;
}

function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
  const mmss = `${m}:${String(s).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mmss.padStart(5, "0")}` : mmss;
}

function formatLoss(loss: number): string {
  const magnitude = Math.abs(loss);
  return magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)
    ? loss.toExponential(3)
    : loss.toPrecision(4);
}

/** The text of the progress line (no `\r`). */
function formatLine(
  label: string,
  done: number,
  total: number,
  elapsedMs: number,
  info: ProgressInfo,
): string {
  const parts = [label, `${done}/${total}`, `${(100 * done / total).toFixed(1)}%`];
  if (info.virtualTime !== undefined) parts.push(`t=${info.virtualTime.toPrecision(4)}s`);
  if (done >= total) parts.push(`took ${formatDuration(elapsedMs / 1000)}`);
  else if (done > 0) {
    parts.push(`ETA ${formatDuration((elapsedMs / done) * (total - done) / 1000)}`);
  }
  if (info.loss !== undefined) parts.push(`loss ${formatLoss(info.loss)}`);
  return parts.join("  ");
}

/**
 * Creates a progress reporter. It prints nothing when `quiet`, or when its stream is not a
 * terminal (a log file should not fill with `\r` lines).
 *
 * @example A forced-terminal reporter writing into memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProgress } from "./progress.ts";
 *
 * const chunks: string[] = [];
 * const stream = {
 *   writeSync(bytes: Uint8Array): number {
 *     chunks.push(new TextDecoder().decode(bytes));
 *     return bytes.length;
 *   },
 * };
 * const progress = createProgress({ total: 10, label: "dgd", stream, terminal: true });
 * for (let done = 1; done <= 10; done++) progress.update(done, { loss: 1 / done });
 * progress.finish();
 * assert.match(chunks.join(""), /dgd {2}10\/10 {2}100\.0%/);
 * ```
 *
 * @param options the total, the label and where to write
 * @returns the reporter
 * @throws {RangeError} when `total` is not a positive integer
 */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label, quiet = false } = options;
  if (!Number.isInteger(total) || total <= 0) {
    throw new RangeError(
      `Cannot create progress: total must be a positive integer, received ${total}`,
    );
  }
  const stream = options.stream ?? Deno.stderr;
  const terminal = options.terminal ?? (options.stream ? false : Deno.stderr.isTerminal());
  const silent = quiet || !terminal;
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const encoder = new TextEncoder();
  const start = now();
  let lastWrite = -Infinity;
  let lastWidth = 0;
  let pending: { done: number; info: ProgressInfo } | undefined;
  let finished = false;

  const write = (done: number, info: ProgressInfo, time: number) => {
    const line = formatLine(label, Math.min(done, total), total, time - start, info);
    const padding = " ".repeat(Math.max(0, lastWidth - line.length));
    stream.writeSync(encoder.encode(`\r${line}${padding}`));
    lastWidth = line.length;
    lastWrite = time;
    pending = undefined;
  };

  return {
    update(done: number, info: ProgressInfo = {}): void {
      if (silent || finished) return;
      const time = now();
      if (done >= total || time - lastWrite >= intervalMs) write(done, info, time);
      else pending = { done, info };
    },
    finish(): void {
      if (silent || finished) return;
      finished = true;
      if (pending) write(pending.done, pending.info, now());
      if (lastWidth > 0) stream.writeSync(encoder.encode("\n"));
    },
  };
}
