/**
 * The NATS bus's address and credential on the command line: the address is a flag, the
 * credential (a token, or an nkey user seed `SU…`) comes from a file named by a flag or from
 * `GOSSIM_NATS_TOKEN` — never from the command line itself, where other users of the machine
 * can read it.
 *
 * @module
 */
import { UsageError } from "./values.ts";

/** The environment variable that may hold the bus's token. */
export const TOKEN_VARIABLE = "GOSSIM_NATS_TOKEN";

/**
 * Checks a NATS server address: `nats://HOST:PORT`, with no credential in it.
 *
 * @param flag the flag that gave it (for the error)
 * @param text the address
 * @returns the address
 * @throws {UsageError} naming the flag, the value and what was expected
 */
export function natsUrl(flag: string, text: string): string {
  if (/^[a-z]+:\/\/[^/]*@/i.test(text)) {
    throw new UsageError(
      `--${flag}: the address holds a credential; give nats://HOST:PORT and put the token ` +
        `in a file (--nats-token-file FILE) or in ${TOKEN_VARIABLE}`,
    );
  }
  const match = /^nats:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(text);
  if (!match || Number(match[2]) > 65535) {
    throw new UsageError(
      `--${flag}: expected nats://HOST:PORT (e.g. nats://127.0.0.1:4222), received "${text}"`,
    );
  }
  return text;
}

/**
 * The bus's credential — a token, or an nkey user seed — the first line of `file` when given,
 * else `GOSSIM_NATS_TOKEN` when set (and readable), else null (a server without
 * authentication).
 *
 * @param file the token file's path, from `--nats-token-file`
 * @returns the token, or null
 * @throws {UsageError} when the file cannot be read or is empty
 */
export async function natsToken(file: string | undefined): Promise<string | null> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      throw new UsageError(`--nats-token-file: cannot read "${file}": ${(error as Error).message}`);
    }
    const token = text.split("\n")[0].trim();
    if (!token) throw new UsageError(`--nats-token-file: "${file}" holds no token`);
    return token;
  }
  const descriptor = { name: "env", variable: TOKEN_VARIABLE } as const;
  if ((await Deno.permissions.query(descriptor)).state !== "granted") return null;
  return Deno.env.get(TOKEN_VARIABLE)?.trim() || null;
}

/**
 * What to tell a user whose Deno may not reach the server: the permission to add.
 *
 * @param url the server's address
 * @returns a hint, or "" when the permission is there
 */
export async function netHint(url: string): Promise<string> {
  const host = url.replace(/^nats:\/\//, "");
  const state = (await Deno.permissions.query({ name: "net", host })).state;
  return state === "granted"
    ? ""
    : ` (this process may not reach ${host}: run deno with --allow-net=${host})`;
}
