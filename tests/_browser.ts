// A headless Chromium for the tests: Debian's /usr/bin/chromium, driven by playwright-core
// (npm) from a small Node script (tests/browser/driver.mjs) that this class talks to over
// stdin/stdout. playwright-core does not load under Deno without --allow-all; see the driver.

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Chromium's flags: headless, and none of its own connections (the network is closed). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function hasNode(): boolean {
  try {
    const command = new Deno.Command("node", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    });
    return command.outputSync().success;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the browser tests cannot run here, or null when they can. Missing Chromium or Node is
 * a reason to skip on a developer's machine, and an error under CI (`CI` set), where
 * `.ci/run` installs Chromium.
 */
export function browserSkipReason(): string | null {
  const missing = !exists(CHROMIUM)
    ? `${CHROMIUM} is missing (apt-get install -y chromium)`
    : hasNode()
    ? null
    : "node is missing (the browser driver runs under Node)";
  if (missing === null) return null;
  if (Deno.env.get("CI")) throw new Error(`browser tests cannot run under CI: ${missing}`);
  return missing;
}

type Reply = { id: number; ok: boolean; value?: unknown; error?: string };

/** One headless Chromium page. */
export class Browser {
  /** Console errors and warnings, page errors, failed requests and 4xx/5xx responses. */
  readonly problems: string[] = [];
  /** Chromium's version. */
  version = "";
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 0;
  #reading: Promise<void>;
  #profile: string;

  private constructor(child: Deno.ChildProcess, profile: string) {
    this.#child = child;
    this.#profile = profile;
    this.#writer = child.stdin.getWriter();
    this.#reading = this.#read();
  }

  /** Starts Node's driver and Chromium with a fresh profile. */
  static async launch(viewport = { width: 1400, height: 900 }): Promise<Browser> {
    const driver = new URL("./browser/driver.mjs", import.meta.url).pathname;
    const child = new Deno.Command("node", {
      args: [driver],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const profile = await Deno.makeTempDir({ prefix: "gossim-chromium-" });
    const browser = new Browser(child, profile);
    browser.version = await browser.#call("launch", {
      playwright: import.meta.resolve("playwright-core"),
      executablePath: CHROMIUM,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
      viewport,
    }) as string;
    return browser;
  }

  /** Opens `url`. */
  goto(url: string): Promise<unknown> {
    return this.#call("goto", { url });
  }

  /** Waits until `selector` matches (default timeout 20 s). */
  waitFor(selector: string, timeout = 20_000): Promise<unknown> {
    return this.#call("waitFor", { selector, timeout });
  }

  /** Evaluates a JavaScript expression in the page (awaiting a promise it gives). */
  async evaluate<T>(expression: string): Promise<T> {
    return await this.#call("evaluate", { expression }) as T;
  }

  /** Saves a PNG of the whole page. */
  screenshot(path: string): Promise<unknown> {
    return this.#call("screenshot", { path, fullPage: true });
  }

  /** Closes Chromium and the driver, and removes the profile. */
  async close(): Promise<void> {
    try {
      await this.#call("close", {});
    } finally {
      await this.#writer.close().catch(() => {});
      await this.#reading;
      await this.#child.status;
      await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
    }
  }

  #call(op: string, args: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve) => this.#pending.set(id, resolve));
    const line = new TextEncoder().encode(`${JSON.stringify({ id, op, ...args })}\n`);
    return this.#writer.write(line).then(() => reply).then((answer) => {
      if (!answer.ok) throw new Error(`browser ${op}: ${answer.error}`);
      return answer.value;
    });
  }

  async #read(): Promise<void> {
    const lines = this.#child.stdout.pipeThrough(new TextDecoderStream());
    let buffer = "";
    for await (const chunk of lines) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.event) this.#note(message);
        else this.#pending.get(message.id)?.(message);
      }
    }
    for (const resolve of this.#pending.values()) {
      resolve({ id: -1, ok: false, error: "the browser driver exited" });
    }
  }

  #note(message: { event: string; type?: string; text?: string; url?: string; status?: number }) {
    if (message.event === "console" && message.type !== "error" && message.type !== "warning") {
      return;
    }
    this.problems.push(
      `${message.event}${message.type ? ` ${message.type}` : ""}: ${message.text ?? ""} ${
        message.url ?? ""
      } ${message.status ?? ""}`.trim(),
    );
  }
}
