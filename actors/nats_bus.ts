/**
 * The NATS bus of the NATS transport: the connection (authenticated, never reconnecting — a
 * message lost while cut off could not be recovered, so losing the server ends the run), the
 * subjects, and framed publishing.
 *
 * Subjects, all under `gossim.`:
 * - `hello` — an idle host announces itself (`HostHello`) every half second;
 * - `host.NAME.invite` — a run asks host NAME to join it (request and reply);
 * - `run.RUN.alive.WHO` — heartbeats of the run's hosts and of the scheduler (`sim`);
 * - `run.RUN.end` — the run is over: hosts leave it;
 * - `run.RUN.GEN.start.NAME` — host NAME starts its Workers for transport GEN (request and reply);
 * - `run.RUN.GEN.stop` — the Workers of transport GEN stop;
 * - `run.RUN.GEN.ctl.W`, `run.RUN.GEN.ack.W` — setups and command batches to Worker W, its
 *   replies (in order);
 * - `run.RUN.GEN.fail` — a Worker's crash, reported by its host;
 * - `run.RUN.GEN.pay.TO.FROM` — payload batches from Worker FROM to Worker TO (host to host).
 *
 * RUN is random per run, so a host subscribed to its run's subjects hears no other run.
 *
 * @module
 */
import { connect, type Msg, type NatsConnection, nkeyAuthenticator } from "@nats-io/transport-node";
import { frames } from "./nats_codec.ts";

export type { Msg, NatsConnection };

/** How often hosts and the scheduler send heartbeats (ms). */
export const HEARTBEAT_MS = 500;

/**
 * Who was heard from lately, on the heartbeat: the scheduler watches its hosts, a host its
 * scheduler. {@linkcode Liveness.silent}, called every {@linkcode HEARTBEAT_MS}, names the
 * peers silent for longer than the bound; a call that comes late (this thread's event loop was
 * blocked, so it read no heartbeat) first counts every peer as just heard, since the silence
 * was this thread's, not theirs.
 */
export class Liveness {
  readonly #seen = new Map<string, number>();
  readonly #timeoutMs: number;
  #tick = performance.now();

  /**
   * @param peers the names watched, all heard from now
   * @param timeoutMs how long a peer may be silent
   */
  constructor(peers: Iterable<string>, timeoutMs: number) {
    for (const peer of peers) this.#seen.set(peer, this.#tick);
    this.#timeoutMs = timeoutMs;
  }

  /** `peer` gave a sign of life (ignored for a name not watched). */
  heard(peer: string): void {
    if (this.#seen.has(peer)) this.#seen.set(peer, performance.now());
  }

  /** The peers silent for longer than the bound, now. */
  silent(): string[] {
    const at = performance.now();
    if (at - this.#tick > 2 * HEARTBEAT_MS) {
      for (const peer of this.#seen.keys()) this.#seen.set(peer, at);
    }
    this.#tick = at;
    return [...this.#seen].filter(([, seen]) => at - seen > this.#timeoutMs).map(([peer]) => peer);
  }
}

/** A host's name: what NATS subjects allow in one token, and short. */
export const HOST_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The subjects of one run. */
export function runSubjects(run: string): {
  alive: (who: string) => string;
  end: string;
  start: (gen: number | "*", name: string) => string;
  stop: (gen: number | "*") => string;
  ctl: (gen: number, worker: number | "*") => string;
  ack: (gen: number, worker: number | "*") => string;
  fail: (gen: number) => string;
  pay: (gen: number, to: number, from: number | "*") => string;
} {
  const base = `gossim.run.${run}`;
  return {
    alive: (who) => `${base}.alive.${who}`,
    end: `${base}.end`,
    start: (gen, name) => `${base}.${gen}.start.${name}`,
    stop: (gen) => `${base}.${gen}.stop`,
    ctl: (gen, worker) => `${base}.${gen}.ctl.${worker}`,
    ack: (gen, worker) => `${base}.${gen}.ack.${worker}`,
    fail: (gen) => `${base}.${gen}.fail`,
    pay: (gen, to, from) => `${base}.${gen}.pay.${to}.${from}`,
  };
}

/** The subject of idle hosts' announcements. */
export const HELLO_SUBJECT = "gossim.hello";

/** The subject on which host `name` is invited to a run. */
export function inviteSubject(name: string): string {
  return `gossim.host.${name}.invite`;
}

/** An nkey user seed (`nk -gen user`, or `nkeys.createUser()`): `SU` and 56 base32 digits. */
export const NKEY_SEED = /^SU[A-Z2-7]{56}$/;

/**
 * Connects to the server at `url` with a credential (none: an unauthenticated server): an
 * nkey user seed (the server knows its public key) or else a token.
 *
 * @param url `nats://HOST:PORT`
 * @param token the bus's credential, read from a file or the environment
 * @param name this client's name on the server
 * @returns the connection
 * @throws {Error} naming the server when it cannot be reached or refuses the credential
 */
export async function openBus(
  url: string,
  token: string | null,
  name: string,
): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url,
      name,
      ...(token && NKEY_SEED.test(token)
        ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(token)) }
        : token
        ? { token }
        : {}),
      reconnect: false,
      timeout: 10_000,
      pingInterval: 5_000,
      maxPingOut: 3,
    });
  } catch (error) {
    const message = (error as Error).message;
    const hint = /authoriz|authentic/i.test(message)
      ? " (the server refused the credential: check the token file or GOSSIM_NATS_TOKEN)"
      : "";
    throw new Error(`cannot connect to the NATS server at ${url}: ${message}${hint}`);
  }
}

/**
 * Publishes `body` on `subject`, split into frames the server accepts. On a closed connection
 * it publishes nothing and says so: the connection's loss is reported where it is watched
 * (`closed()`), not by every publisher (a timer's throw would be uncaught).
 *
 * @param bus the connection
 * @param subject where
 * @param body the message
 * @returns whether it was published
 */
export function publishFramed(bus: NatsConnection, subject: string, body: Uint8Array): boolean {
  if (bus.isClosed()) return false;
  try {
    const max = bus.info?.max_payload ?? 1024 * 1024;
    for (const frame of frames(body, max)) bus.publish(subject, frame);
    return true;
  } catch (error) {
    if (bus.isClosed() || (error as Error).name === "ClosedConnectionError") return false;
    throw error;
  }
}

/**
 * Publishes a small JSON message (or an empty one) unframed; nothing on a closed connection.
 *
 * @returns whether it was published
 */
export function publishJson(bus: NatsConnection, subject: string, value?: unknown): boolean {
  if (bus.isClosed()) return false;
  try {
    if (value === undefined) bus.publish(subject);
    else bus.publish(subject, JSON.stringify(value));
    return true;
  } catch (error) {
    if (bus.isClosed() || (error as Error).name === "ClosedConnectionError") return false;
    throw error;
  }
}

/**
 * A message's JSON, or undefined when it is not JSON (a subscription callback must not throw:
 * the client would close the connection).
 */
export function jsonOf(message: Msg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}

/** Answers a request with JSON; nothing when the connection is gone. */
export function respondJson(message: Msg, value: unknown): void {
  try {
    message.respond(JSON.stringify(value));
  } catch { /* the connection is gone: its loss is reported where it is watched */ }
}
