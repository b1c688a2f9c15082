/**
 * The NATS transport's handshake messages, as zod schemas (the schemas are the types): a
 * host's announcement, the scheduler's invitation and the host's answer, and the order that
 * starts a host's Workers for one transport.
 *
 * @module
 */
import { z } from "zod";
import { HOST_NAME } from "./nats_bus.ts";

/** An idle host's announcement on `gossim.hello`. */
export const hostHelloSchema = z.strictObject({
  /** The host's name (unique on the bus; placement sorts hosts by it). */
  name: z.string().regex(HOST_NAME),
  /** Its gossim version. */
  version: z.string(),
  /** How many Workers it runs. */
  workers: z.number().int().min(1).max(1024),
});

/** A host's announcement. */
export type HostHello = z.output<typeof hostHelloSchema>;

/** The scheduler's invitation to a run. */
export const inviteSchema = z.strictObject({
  /** The run's id. */
  run: z.string().regex(/^[0-9a-f]{16}$/),
  /** The scheduler's gossim version. */
  version: z.string(),
  /** The SHA-256 of the run's resolved config (hex). */
  config: z.string(),
  /** Either side not heard from for this long has failed (ms). */
  timeoutMs: z.number().int().min(1),
});

/** An invitation. */
export type Invite = z.output<typeof inviteSchema>;

/** A host's answer to an invitation. */
export const inviteReplySchema = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), reason: z.string() }),
]);

/** An answer to an invitation. */
export type InviteReply = z.output<typeof inviteReplySchema>;

/** The order that (re)starts a host's Workers for transport `gen`. */
export const startSchema = z.strictObject({
  /** The run-wide index of the host's first Worker. */
  base: z.number().int().min(0),
  /** How many of its Workers this transport uses (from `base`). */
  count: z.number().int().min(1),
  /** How many Workers the transport uses in all. */
  total: z.number().int().min(1),
  /** What the Workers may read besides the package. */
  readable: z.array(z.string()),
});

/** A start order. */
export type Start = z.output<typeof startSchema>;

/** What the scheduler sends Worker W on `ctl.W`: a setup or a batch of command records. */
export type Control =
  | { kind: "setup"; setup: unknown; peers: boolean }
  | { kind: "run"; batch: Float64Array };
