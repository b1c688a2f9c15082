// Test helpers for the NATS transport: a nats-server on a free loopback port with a fresh
// token (in a config file, not on its command line), node hosts as `deno run` subprocesses of
// cli/host.ts with the host task's permissions, and everything stopped afterwards.
import { nkeys } from "@nats-io/transport-node";
import type { CliRun } from "./_cli.ts";

/** A nats-server started for one test, and its token file. */
export interface TestBus {
  /** `nats://127.0.0.1:PORT`. */
  url: string;
  /** A file holding the token. */
  tokenFile: string;
  /** A file holding a wrong token. */
  wrongTokenFile: string;
  /** The server's monitoring address (`http://127.0.0.1:PORT`), when asked for. */
  monitor?: string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** A host subprocess. */
export interface TestHost {
  /** Its name. */
  name: string;
  /** Its process. */
  process: Deno.ChildProcess;
  /** What it printed on stderr so far. */
  log(): string;
  /** Resolves when its log holds `text` (rejects after `ms`). */
  waitFor(text: string, ms?: number): Promise<void>;
  /** Kills it (SIGKILL unless told) and waits for it. */
  kill(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Waits for it to exit by itself. */
  exited(): Promise<Deno.CommandStatus>;
}

const ROOT = new URL("../", import.meta.url);
const decoder = new TextDecoder();

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join("");
}

const SERVER_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"];

/**
 * Why the tests that start a nats-server cannot run here, or null when they can: a missing
 * server is a reason to skip on a developer's machine (said once), and an error under CI (`CI`
 * set), where `.ci/run` installs it.
 */
export function natsSkipReason(): string | null {
  const found = SERVER_DIRS.some((dir) => {
    try {
      return Deno.statSync(`${dir}/nats-server`).isFile;
    } catch {
      return false;
    }
  });
  if (found) return null;
  const missing = "nats-server is not installed (apt-get install -y nats-server)";
  if (Deno.env.get("CI")) throw new Error(`NATS tests cannot run under CI: ${missing}`);
  console.log(`%cNATS tests skipped: ${missing}`, "color: yellow");
  return missing;
}

/** Whether nats-server is installed; if not, the tests fail with the fix. */
export async function natsServerPath(): Promise<string> {
  for (const dir of SERVER_DIRS) {
    const path = `${dir}/nats-server`;
    if (await Deno.stat(path).then(() => true, () => false)) return path;
  }
  throw new Error(
    "nats-server is not installed: `apt-get install -y nats-server` (Debian's package; " +
      ".ci/run installs it)",
  );
}

/** Options of {@linkcode startBus}. */
export interface BusOptions {
  /** The server's max_payload (bytes): big messages then travel in several frames. */
  maxPayload?: number;
  /** Open the monitoring port (`/varz`). */
  monitor?: boolean;
  /** Authenticate with a fresh nkey user (the files hold seeds) instead of a token. */
  nkey?: boolean;
}

/** Starts nats-server on a free loopback port with a fresh credential; waits until it listens. */
export async function startBus(options: BusOptions = {}): Promise<TestBus> {
  const { maxPayload, monitor = false } = options;
  const server = await natsServerPath();
  const dir = await Deno.makeTempDir({ prefix: "gossim-nats-" });
  const user = options.nkey ? nkeys.createUser() : null;
  const token = user ? decoder.decode(user.getSeed()) : randomToken();
  const wrong = user ? decoder.decode(nkeys.createUser().getSeed()) : randomToken();
  const auth = user
    ? `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`
    : `authorization { token: "${token}" }`;
  const port = freePort();
  const http = monitor ? freePort() : 0;
  const config = `${dir}/server.conf`;
  await Deno.writeTextFile(
    config,
    `listen: "127.0.0.1:${port}"\n${auth}\n` +
      (maxPayload ? `max_payload: ${maxPayload}\n` : "") +
      (http ? `http: "127.0.0.1:${http}"\n` : ""),
  );
  await Deno.writeTextFile(`${dir}/token`, `${token}\n`);
  await Deno.writeTextFile(`${dir}/wrong`, `${wrong}\n`);
  const process = new Deno.Command(server, {
    args: ["-c", config],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`nats-server did not listen: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    tokenFile: `${dir}/token`,
    wrongTokenFile: `${dir}/wrong`,
    ...(http ? { monitor: `http://127.0.0.1:${http}` } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        process.kill("SIGTERM");
      } catch { /* already gone */ }
      await process.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Starts `deno run cli/host.ts` with the host task's permissions. */
export function startHost(
  bus: TestBus,
  name: string,
  workers: number,
  extra: string[] = [],
): TestHost {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-env=DENO_NO_PROMPT,GOSSIM_NATS_TOKEN",
      "--allow-read",
      "--allow-net=127.0.0.1",
      "--unstable-worker-options",
      new URL("cli/host.ts", ROOT).pathname,
      "--nats",
      bus.url,
      ...(extra.includes("--nats-token-file") ? [] : ["--nats-token-file", bus.tokenFile]),
      "--workers",
      String(workers),
      "--name",
      name,
      ...extra,
    ],
    cwd: new URL(".", ROOT).pathname,
    env: { DENO_NO_PROMPT: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reading = (async () => {
    for await (const chunk of process.stderr) text += decoder.decode(chunk, { stream: true });
  })();
  return {
    name,
    process,
    log: () => text,
    async waitFor(wanted, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!text.includes(wanted)) {
        if (Date.now() > deadline) {
          throw new Error(`host ${name} did not print "${wanted}" in ${ms} ms:\n${text}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async exited() {
      const status = await process.status;
      await reading;
      return status;
    },
    async kill(signal = "SIGKILL") {
      try {
        process.kill(signal);
      } catch { /* already gone */ }
      const status = await process.status;
      await reading;
      return status;
    },
  };
}

/**
 * Runs `deno task sim`'s entry in a process of its own, as a user does (it exits when `main`
 * returns): a run that loses its hosts or its server leaves sockets that the NATS client tears
 * down after the run has ended, which must not land in the test process.
 */
export async function runSim(...args: string[]): Promise<CliRun> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-env=DENO_NO_PROMPT,GOSSIM_NATS_TOKEN",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1",
      "--unstable-worker-options",
      new URL("cli.ts", ROOT).pathname,
      ...args,
    ],
    cwd: new URL(".", ROOT).pathname,
    env: { DENO_NO_PROMPT: "1" },
    stdin: "null",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trimEnd();
  return { code, out: text(stdout), err: text(stderr) };
}
