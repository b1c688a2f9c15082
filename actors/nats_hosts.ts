/**
 * The scheduler's side of the NATS transport: joins node hosts into a run and watches them.
 *
 * Handshake: idle hosts announce themselves on `gossim.hello` (name, gossim version, Worker
 * count); the scheduler invites each, in the order heard, with its run id, its gossim version
 * and its config's hash, until `hosts` have accepted. A host refuses a run of another gossim
 * version, a config other than the one it was pinned to, or any run while it serves one.
 *
 * Placement (documented, a function of the config and the hosts' names): the hosts are sorted
 * by name and their Workers numbered in that order (host 0's Workers first); the actor engine
 * then places node i on Worker ⌊i·W/N⌋ of the W Workers it uses (`placeNodes`), and a
 * federated server on Worker 0. Results never depend on placement.
 *
 * Liveness: hosts and the scheduler send heartbeats every half second; a host not heard
 * from for `hostTimeoutMs`, or the loss of the server, ends the run with an error naming
 * the host and its nodes.
 *
 * @module
 */
import type { TransportChoice, TransportFactory } from "./transport.ts";
import {
  HEARTBEAT_MS,
  HELLO_SUBJECT,
  inviteSubject,
  jsonOf,
  Liveness,
  type NatsConnection,
  openBus,
  publishJson,
  runSubjects,
} from "./nats_bus.ts";
import { type HostMember, type JoinedHosts, natsTransport } from "./nats_transport.ts";
import {
  type HostHello,
  hostHelloSchema,
  type Invite,
  type InviteReply,
  inviteReplySchema,
} from "./nats_join.ts";

/** Options of {@linkcode joinNats}. */
export interface NatsHostsOptions {
  /** The server, `nats://HOST:PORT`. */
  url: string;
  /** The bus's credential (from a file or the environment), or null for none. */
  token: string | null;
  /** How many host processes the run takes. */
  hosts: number;
  /** This scheduler's gossim version: hosts of another refuse. */
  version: string;
  /** The hash of the run's resolved config: a host pinned to another refuses. */
  config: string;
  /** Wall-clock bound on waiting for the hosts to join (ms, default 60,000). */
  joinTimeoutMs?: number;
  /** A host not heard from for this long has failed (ms, default 10,000). */
  hostTimeoutMs?: number;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
}

/** Node hosts joined into one run over NATS, as a library caller holds them. */
export interface NatsRun extends TransportChoice {
  /** Ends the run on the hosts (they wait for the next) and closes the connection. */
  close(): Promise<void>;
}

/**
 * Joins `options.hosts` node hosts (`deno task host`) over a NATS server into one run: the
 * `transport` of `runSimulation`'s options, for as many runs as the caller makes, until
 * {@linkcode NatsRun.close}.
 *
 * @param options the server, credential, host count, version and config hash
 * @returns the joined hosts
 * @throws {Error} when the server refuses the credential or too few hosts join in time
 */
export function joinNats(options: NatsHostsOptions): Promise<NatsRun> {
  return NatsHosts.join(options);
}

/** Node hosts joined into one run over NATS: the transport factory of `runSimulation`. */
export class NatsHosts implements TransportChoice, JoinedHosts {
  /** The connection to the server. */
  readonly bus: NatsConnection;
  /** The run's id (random): its subjects are `gossim.run.RUN.…`. */
  readonly run: string;
  /** The hosts, sorted by name, with their Worker ranges. */
  readonly members: readonly HostMember[];
  /** The server's address. */
  readonly url: string;
  #gen = 0;
  #listeners = new Set<(name: string | null, detail: string) => void>();
  #losses: { name: string | null; detail: string }[] = [];
  #timers: ReturnType<typeof setInterval>[] = [];
  #closed = false;

  private constructor(bus: NatsConnection, run: string, members: HostMember[], url: string) {
    this.bus = bus;
    this.run = run;
    this.members = members;
    this.url = url;
  }

  /**
   * Connects to the server and waits (boundedly) until `hosts` hosts have joined.
   *
   * @param options server, credential, host count, version and config hash, bounds
   * @returns the joined hosts, watched
   * @throws {Error} when the server cannot be reached or too few hosts join in time (with
   * the reasons of those that refused)
   */
  static async join(options: NatsHostsOptions): Promise<NatsHosts> {
    const bus = await openBus(options.url, options.token, "gossim-sim");
    const run = Array.from(crypto.getRandomValues(new Uint8Array(8)))
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    try {
      const members = await invite(bus, run, options);
      const hosts = new NatsHosts(bus, run, members, options.url);
      hosts.#watch(options.hostTimeoutMs ?? 10_000);
      return hosts;
    } catch (error) {
      publishJson(bus, runSubjects(run).end); // hosts that joined leave at once
      await bus.drain().catch(() => {});
      throw error;
    }
  }

  /** Total Workers of the hosts. */
  get workers(): number {
    return this.members.reduce((sum, member) => sum + member.workers, 0);
  }

  /** Makes the transport of one set of Workers (a supervisor's) on these hosts. */
  readonly factory: TransportFactory = (count, readable) => natsTransport(this, count, readable);

  /** The next transport's generation (its subjects' GEN). */
  nextGen(): number {
    return ++this.#gen;
  }

  /**
   * Calls `listener` when a host fails (its name) or the server is lost (null), and at once
   * for each loss before (a host no transport uses may fail first).
   *
   * @returns a function that stops listening
   */
  onLoss(listener: (name: string | null, detail: string) => void): () => void {
    for (const { name, detail } of this.#losses) listener(name, detail);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #fail(name: string | null, detail: string): void {
    if (this.#closed || this.#losses.some((loss) => loss.name === name)) return;
    this.#losses.push({ name, detail });
    for (const listener of this.#listeners) listener(name, detail);
  }

  #watch(timeoutMs: number): void {
    const subjects = runSubjects(this.run);
    const liveness = new Liveness(this.members.map((member) => member.name), timeoutMs);
    this.bus.subscribe(subjects.alive("*"), {
      callback: (_error, message) =>
        liveness.heard(message.subject.slice(message.subject.lastIndexOf(".") + 1)),
    });
    this.#timers.push(setInterval(() => {
      publishJson(this.bus, subjects.alive("sim"));
      for (const name of liveness.silent()) {
        this.#fail(name, `was not heard from for ${(timeoutMs / 1000).toFixed(1)} s`);
      }
    }, HEARTBEAT_MS));
    this.bus.closed().then((error) => {
      const why = error ? `: ${error.message}` : "";
      this.#fail(null, `the scheduler lost the NATS server at ${this.url}${why}`);
    });
  }

  /** Ends the run: hosts leave it; the connection closes (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    if (publishJson(this.bus, runSubjects(this.run).end)) {
      await this.bus.drain().catch(() => {});
    }
  }
}

/** Invites announced hosts until `options.hosts` have joined; sorted by name, numbered. */
async function invite(
  bus: NatsConnection,
  run: string,
  options: NatsHostsOptions,
): Promise<HostMember[]> {
  const joined: HostHello[] = [];
  const refused = new Map<string, string>();
  const asked = new Set<string>();
  const message: Invite = {
    run,
    version: options.version,
    config: options.config,
    timeoutMs: options.hostTimeoutMs ?? 10_000,
  };
  const hello = bus.subscribe(HELLO_SUBJECT);
  const timeoutMs = options.joinTimeoutMs ?? 60_000;
  const timer = setTimeout(() => hello.unsubscribe(), timeoutMs);
  options.log?.(
    `waiting for ${options.hosts} host${options.hosts === 1 ? "" : "s"} on ${options.url} ` +
      `(run ${run}, config ${options.config.slice(0, 12)})`,
  );
  try {
    for await (const heard of hello) {
      const parsed = hostHelloSchema.safeParse(jsonOf(heard));
      if (!parsed.success || asked.has(parsed.data.name)) continue;
      const host = parsed.data;
      asked.add(host.name);
      const reply: InviteReply = await bus.request(
        inviteSubject(host.name),
        JSON.stringify(message),
        { timeout: 5_000 },
      ).then(
        (answer) => {
          const parsed = inviteReplySchema.safeParse(jsonOf(answer));
          return parsed.success
            ? parsed.data
            : { ok: false as const, reason: "its answer is not a gossim host's" };
        },
        (error: Error) => ({
          ok: false as const,
          reason: `no answer to the invitation: ${error.message}`,
        }),
      );
      if (!reply.ok) {
        refused.set(host.name, reply.reason);
        options.log?.(`host ${host.name} refused: ${reply.reason}`);
        continue;
      }
      joined.push(host);
      options.log?.(
        `host ${host.name} joined (${host.workers} Worker${host.workers > 1 ? "s" : ""})`,
      );
      if (joined.length === options.hosts) break;
    }
  } finally {
    clearTimeout(timer);
    hello.unsubscribe();
  }
  if (joined.length < options.hosts) {
    const reasons = [...refused].map(([name, reason]) => `${name}: ${reason}`).join("; ");
    throw new Error(
      `${joined.length} of ${options.hosts} hosts joined within ${timeoutMs / 1000} s on ` +
        `${options.url}${reasons ? ` (refused — ${reasons})` : ""}; start hosts with ` +
        "`deno task host --nats URL`",
    );
  }
  joined.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let base = 0;
  return joined.map((host) => {
    const member = { name: host.name, workers: host.workers, base };
    base += host.workers;
    return member;
  });
}
