/**
 * The command line's NATS flags (rows of the one table in `cli/flag_table.ts`): where the
 * node hosts of an actor run live. They set no config field — results are the same bytes
 * wherever the nodes run — so a run's `config.json` reruns it in one process as well.
 *
 * @module
 */
import type { NatsHosts } from "../actors/nats_hosts.ts";
import { VERSION } from "../simulation/version.ts";
import type { SimulationConfig } from "../simulation/config.ts";
import type { Flag, Values } from "./flag.ts";
import { natsToken, natsUrl, netHint, TOKEN_VARIABLE } from "./nats_credential.ts";
import { number, UsageError } from "./values.ts";

/** The NATS flags, after the actor engine's. */
export const NATS_FLAGS: Flag[] = [
  {
    name: "transport",
    value: "nats://H:P",
    help: "actor engine: run the node Workers in host processes joined over this\n" +
      "NATS server (start them with: deno task host --nats nats://H:P); same bytes",
  },
  {
    name: "hosts",
    value: "N",
    help: "with --transport: how many host processes the run takes (default 1)",
  },
  {
    name: "nats-token-file",
    value: "FILE",
    help: `the NATS bus's token or nkey seed (SU…), read from FILE (else\n` +
      `${TOKEN_VARIABLE}; never a flag)`,
  },
  {
    name: "host-timeout",
    value: "S",
    help: "with --transport: a host or the server silent for S wall seconds ends the\n" +
      "run, naming the host and its nodes (default 10)",
  },
];

/** A run's NATS settings, checked. */
export interface NatsSettings {
  /** The server. */
  url: string;
  /** Host processes to wait for. */
  hosts: number;
  /** The token file, if one was named. */
  tokenFile?: string;
  /** Silence bound (ms). */
  hostTimeoutMs: number;
}

/**
 * The NATS settings of the parsed flags, or null without `--transport`.
 *
 * @throws {UsageError} naming the flag, the value and what was expected
 */
export function natsSettings(values: Values, config: SimulationConfig): NatsSettings | null {
  const text = values.transport as string | undefined;
  if (text === undefined) {
    for (const flag of ["hosts", "nats-token-file", "host-timeout"]) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag}: only with --transport`);
    }
    return null;
  }
  const url = natsUrl("transport", text);
  if (config.engine !== "actors") {
    throw new UsageError(
      `--transport: engine "${config.engine}" runs in this process; add --engine actors`,
    );
  }
  const hosts = values.hosts === undefined ? 1 : number("hosts", values.hosts as string);
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 1024) {
    throw new UsageError(`--hosts: expected a whole number 1–1024, received "${values.hosts}"`);
  }
  const seconds = values["host-timeout"] === undefined
    ? 10
    : number("host-timeout", values["host-timeout"] as string);
  if (!(seconds >= 0.5 && seconds <= 3600)) {
    throw new UsageError(
      `--host-timeout: expected seconds 0.5–3600, received "${values["host-timeout"]}"`,
    );
  }
  const tokenFile = values["nats-token-file"] as string | undefined;
  return { url, hosts, hostTimeoutMs: seconds * 1000, ...(tokenFile ? { tokenFile } : {}) };
}

/**
 * Joins the hosts of a run (the credential read now); progress goes to stderr.
 *
 * @param settings the checked flags
 * @param config the run's resolved config (its hash is the handshake's)
 * @returns the hosts
 */
export async function joinNatsHosts(
  settings: NatsSettings,
  config: SimulationConfig,
): Promise<NatsHosts> {
  const token = await natsToken(settings.tokenFile);
  // Loaded here: runs in one process never load the NATS client.
  const { NatsHosts } = await import("../actors/nats_hosts.ts");
  try {
    return await NatsHosts.join({
      url: settings.url,
      token,
      hosts: settings.hosts,
      version: VERSION,
      config: await configHash(config),
      hostTimeoutMs: settings.hostTimeoutMs,
      log: (line) => console.error(`gossim: ${line}`),
    });
  } catch (error) {
    (error as Error).message += await netHint(settings.url);
    throw error;
  }
}

/** The flags that give a rerun the same hosts. */
export function natsRerunFlags(settings: NatsSettings): string {
  const file = settings.tokenFile ? ` --nats-token-file ${settings.tokenFile}` : "";
  return ` --transport ${settings.url} --hosts ${settings.hosts}${file}`;
}

/**
 * The SHA-256 (hex) of a resolved config: a host pinned to a config (`--config-hash`) joins
 * only its runs.
 */
export async function configHash(config: SimulationConfig): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
