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
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { frames } from "./nats_codec.ts";

export type { NatsConnection };

/** How often hosts and the scheduler send heartbeats (ms). */
export const HEARTBEAT_MS = 500;

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

/**
 * Connects to the server at `url` with `token` (none: an unauthenticated server).
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
      ...(token ? { token } : {}),
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
 * Publishes `body` on `subject`, split into frames the server accepts.
 *
 * @param bus the connection
 * @param subject where
 * @param body the message
 */
export function publishFramed(bus: NatsConnection, subject: string, body: Uint8Array): void {
  const max = bus.info?.max_payload ?? 1024 * 1024;
  for (const frame of frames(body, max)) bus.publish(subject, frame);
}
