/**
 * `deno task host --nats nats://HOST:PORT [--workers K]`: a node host. It connects to the NATS
 * server (token from `--nats-token-file FILE` or `GOSSIM_NATS_TOKEN`), announces itself, and
 * serves runs of `deno task sim --transport nats://HOST:PORT` one after another (one with
 * `--once`): K node Workers per run, with the least privilege of in-process Workers. It refuses
 * a run of another gossim version, or — pinned with `--config-hash` — of another config.
 * Exit codes: 0 done, 1 failure (the server or the run lost), 2 bad input.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  HEARTBEAT_MS,
  HELLO_SUBJECT,
  HOST_NAME,
  inviteSubject,
  jsonOf,
  type NatsConnection,
  openBus,
  publishJson,
  respondJson,
} from "../actors/nats_bus.ts";
import { type HostHello, type InviteReply, inviteSchema } from "../actors/nats_join.ts";
import { serveRun } from "../actors/nats_host.ts";
import { VERSION } from "../simulation/version.ts";
import { natsToken, natsUrl, netHint, TOKEN_VARIABLE } from "./nats_credential.ts";
import { number, UsageError } from "./values.ts";

const HELP = `gossim node host — runs node Workers for deno task sim --transport

Usage: deno task host --nats nats://HOST:PORT [flags]
  --nats nats://H:P      the NATS server (the same as the sim's --transport)
  --workers K            node Workers in this process (default: one per core)
  --name NAME            this host's name (letters, digits, - and _; default host-RANDOM);
                         runs place nodes on hosts sorted by name
  --nats-token-file FILE the bus's token or nkey seed (SU…) (else ${TOKEN_VARIABLE};
                         never a flag)
  --config-hash SHA      join only runs of this config (its SHA-256, printed by the sim)
  --once                 exit after one run
  --help                 this text
`;

/** The host's settings from its flags. */
interface HostSettings {
  url: string;
  workers: number;
  name: string;
  tokenFile?: string;
  configHash?: string;
  once: boolean;
}

function settings(args: string[]): HostSettings | null {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        nats: { type: "string" },
        workers: { type: "string" },
        name: { type: "string" },
        "nats-token-file": { type: "string" },
        "config-hash": { type: "string" },
        once: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the flags.`);
  }
  if (values.help) return null;
  if (values.nats === undefined) throw new UsageError("--nats: missing (nats://HOST:PORT)");
  const workers = values.workers === undefined
    ? navigator.hardwareConcurrency || 2
    : number("workers", values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) {
    throw new UsageError(`--workers: expected a whole number 1–1024, received "${values.workers}"`);
  }
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16));
  const name = values.name ?? `host-${random.map((h) => h.padStart(2, "0")).join("")}`;
  if (!HOST_NAME.test(name)) {
    throw new UsageError(`--name: expected letters, digits, - and _ (1–64), received "${name}"`);
  }
  const pin = values["config-hash"];
  if (pin !== undefined && !/^[0-9a-f]{12,64}$/.test(pin)) {
    throw new UsageError(`--config-hash: expected 12–64 hex digits, received "${pin}"`);
  }
  return {
    url: natsUrl("nats", values.nats),
    workers,
    name,
    once: values.once === true,
    ...(values["nats-token-file"] ? { tokenFile: values["nats-token-file"] } : {}),
    ...(pin ? { configHash: pin } : {}),
  };
}

/** Announces the host until a run takes it; serves that run; again, unless `once`. */
async function serve(bus: NatsConnection, host: HostSettings): Promise<number> {
  const log = (line: string) => console.error(`gossim host ${host.name}: ${line}`);
  const hello: HostHello = { name: host.name, version: VERSION, workers: host.workers };
  let busy = false;
  /** A run joined: its id and its service (settled when it ends). */
  type Joined = { run: string; served: Promise<void> };
  let joined!: (run: Joined) => void;
  let next = new Promise<Joined>((resolve) => (joined = resolve));
  bus.subscribe(inviteSubject(host.name), {
    callback: (_error, message) => {
      const invite = inviteSchema.safeParse(jsonOf(message));
      let reply: InviteReply;
      if (!invite.success) reply = { ok: false, reason: "not a gossim invitation" };
      else if (busy) reply = { ok: false, reason: "busy with another run" };
      else if (invite.data.version !== VERSION) {
        reply = {
          ok: false,
          reason: `host runs gossim ${VERSION}, the run ${invite.data.version}`,
        };
      } else if (host.configHash && !invite.data.config.startsWith(host.configHash)) {
        reply = { ok: false, reason: `host is pinned to config ${host.configHash}` };
      } else reply = { ok: true };
      if (!reply.ok) log(`refused a run: ${reply.reason}`);
      if (reply.ok && invite.success) {
        busy = true;
        // Subscribed to the run's subjects before the answer goes out: the scheduler's first
        // order, sent once every host answered, finds this host listening.
        const { run, timeoutMs } = invite.data;
        const served = serveRun({ bus, name: host.name, log, run, timeoutMs });
        served.catch(() => {});
        joined({ run, served });
      }
      respondJson(message, reply);
    },
  });
  const announce = () => !busy && publishJson(bus, HELLO_SUBJECT, hello);
  announce();
  const timer = setInterval(announce, HEARTBEAT_MS);
  const lost = bus.closed().then(() => null);
  try {
    const workers = `${host.workers} Worker${host.workers > 1 ? "s" : ""}`;
    log(`waiting for runs on ${host.url} (${workers}, gossim ${VERSION})`);
    for (;;) {
      const run = await Promise.race([next, lost]);
      if (!run) throw new Error(`lost the NATS server at ${host.url}`);
      log(`joined run ${run.run}`);
      try {
        await run.served;
        log(`run ${run.run} ended`);
      } catch (error) {
        log(`run ${run.run} failed: ${(error as Error).message}`);
        if (host.once || bus.isClosed()) return 1;
      }
      if (host.once) return 0;
      next = new Promise((resolve) => (joined = resolve));
      busy = false;
    }
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs the host on `args`; returns the exit code (0 done, 1 failure, 2 bad input).
 *
 * @param args the command line
 */
export async function hostMain(args: string[]): Promise<number> {
  let host: HostSettings | null = null;
  let bus: NatsConnection;
  try {
    host = settings(args);
    if (!host) {
      console.log(HELP);
      return 0;
    }
    const token = await natsToken(host.tokenFile);
    bus = await openBus(host.url, token, `gossim-host-${host.name}`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`gossim host: ${error.message}`);
      return 2;
    }
    const hint = host ? await netHint(host.url) : "";
    console.error(`gossim host: ${(error as Error).message}${hint}`);
    return 1;
  }
  try {
    return await serve(bus, host);
  } catch (error) {
    console.error(`gossim host ${host.name}: ${(error as Error).message}`);
    return 1;
  } finally {
    if (!bus.isClosed()) await bus.close();
  }
}

if (import.meta.main) Deno.exit(await hostMain(Deno.args));
