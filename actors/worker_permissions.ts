/**
 * What node-actor Workers may do: read the package's own modules, the folders of the user
 * modules they import (a problem's or algorithm's `module`, helpers beside it included) and the
 * problem's data folders — nothing else: no write, net, env, run, ffi, sys or remote import.
 *
 * A permission a Worker lacks is not denied but left to *prompt*: Deno gives a Worker's
 * `false` (and `"none"`, an omitted key, `[]`, and a `Deno.permissions.revoke` inside it) the
 * state `"prompt"`, and the Worker inherits the process's prompt setting. Run from a terminal
 * without `--no-prompt`, node code calling `Deno.env.get` or `Deno.writeTextFileSync` shows a
 * prompt, and answering `y` grants it, even beyond the main thread's own permissions (seen
 * under a pseudo-terminal with Deno 2.9). No Worker option denies outright (denoland/deno#20096)
 * and nothing turns prompts off at run time (`DENO_NO_PROMPT` is read at start-up), so
 * {@linkcode workerPermissions} refuses to start node Workers wherever a prompt could appear.
 * Deno prompts only when stdin and stderr are both terminals and prompts are on; whether
 * `--no-prompt` was given cannot be seen by a script (`/proc/self/cmdline` needs
 * `--allow-all`), so prompts count as off only where that can be seen: `DENO_NO_PROMPT=1`
 * readable (`--allow-env=DENO_NO_PROMPT`, as the deno.json tasks give), or `--no-prompt`
 * on a command line that `--allow-all` lets us read. `tests/no_prompt_test.ts` checks it all
 * under a pseudo-terminal.
 *
 * @module
 */
import { type AnyProblemSpec, getProblem, problemReadPaths } from "../problems/registry.ts";

/** A `file:` URL as a path of this platform. */
function filePath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows" ? path.slice(1).replaceAll("/", "\\") : path;
}

/**
 * The package's root folder (the one holding `mod.ts`), which Workers may read so that a user
 * module can import the package; none when the package is loaded from a remote, `jsr:` or
 * `npm:` URL (Deno fetches those itself, no read permission involved).
 *
 * @returns the folder's path, or nothing
 */
export function packageFolder(): string[] {
  const root = new URL("../", import.meta.url);
  return root.protocol === "file:" ? [filePath(root)] : [];
}

/**
 * The folder of a user module, when it is a local file: Workers import the module and may
 * read the files beside it (its helpers).
 *
 * @param module the module's URL (`import.meta.url` of the file that registers it), if any
 * @returns the folder's path, or nothing for a built-in or a non-`file:` module
 */
export function moduleFolder(module: string | undefined): string[] {
  if (!module) return [];
  const url = new URL(module);
  return url.protocol === "file:" ? [filePath(new URL("./", url))] : [];
}

/**
 * What node Workers must read to rebuild a problem: its data folders and, for a user's
 * problem, its module's folder.
 *
 * @param spec the problem as plain data
 * @returns absolute paths (none for a built-in problem without files)
 */
export function nodeReadPaths(spec: AnyProblemSpec): string[] {
  return [...problemReadPaths(spec), ...moduleFolder(getProblem(spec.type).module)];
}

/** Whether `--no-prompt` is among Deno's own flags on this process's command line (Linux; only
 * readable under `--allow-all`). */
function noPromptFlag(): boolean {
  const path = "/proc/self/cmdline";
  if (Deno.build.os !== "linux") return false;
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return false;
  let argv: string[];
  try {
    argv = Deno.readTextFileSync(path).split("\0");
  } catch {
    return false;
  }
  if (argv.at(-1) === "") argv.pop();
  // The script's own arguments (Deno.args) are the tail; a `--no-prompt` there is not Deno's.
  const own = argv.slice(0, argv.length - Deno.args.length);
  if (argv.slice(own.length).some((arg, i) => arg !== Deno.args[i])) return false;
  const end = own.indexOf("--");
  return (end < 0 ? own : own.slice(0, end)).includes("--no-prompt");
}

/** Whether `DENO_NO_PROMPT=1` (Deno 2.9 ignores any other value), read only where no prompt. */
function noPromptEnv(): boolean {
  const descriptor = { name: "env", variable: "DENO_NO_PROMPT" } as const;
  if (Deno.permissions.querySync(descriptor).state !== "granted") return false;
  return Deno.env.get("DENO_NO_PROMPT") === "1";
}

/**
 * Whether a permission prompt could appear in this process: stdin and stderr are terminals
 * and prompts cannot be seen to be off (`DENO_NO_PROMPT=1` readable, or `--no-prompt`
 * on a command line readable under `--allow-all`).
 *
 * @returns true where a Worker's missing permission could be granted by answering a prompt
 */
export function promptsPossible(): boolean {
  if (!(Deno.stdin.isTerminal() && Deno.stderr.isTerminal())) return false;
  return !(noPromptEnv() || noPromptFlag());
}

/**
 * The permissions every node actor gets: read of the package and of `readable`, nothing else.
 *
 * @param readable further folders and files the Workers may read (user modules' folders, data)
 * @returns the Worker's `deno.permissions`
 * @throws {Deno.errors.NotCapable} where a permission prompt could appear (see
 *   {@linkcode promptsPossible}): answering it would grant node code what it must not have
 */
export function workerPermissions(readable: string[]): Deno.PermissionOptionsObject {
  if (promptsPossible()) {
    throw new Deno.errors.NotCapable(
      "Cannot start node Workers: stdin and stderr are a terminal and permission prompts " +
        "cannot be seen to be off, and answering one would grant node code a permission it " +
        "must not have; start deno with DENO_NO_PROMPT=1 in its environment and " +
        "--allow-env=DENO_NO_PROMPT (DENO_NO_PROMPT=1 deno run --allow-env=DENO_NO_PROMPT …, as " +
        "the deno.json tasks do; --no-prompt alone is invisible to a script without " +
        "--allow-all), or run with stdin not a terminal (< /dev/null)",
    );
  }
  const read = [...new Set([...packageFolder(), ...readable])];
  return {
    read: read.length ? read : false,
    write: false,
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}
