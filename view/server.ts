/**
 * The view's HTTP server, on the loopback interface only (127.0.0.1): the page, its scripts,
 * the vega builds, `/data.json` (the view's data as it stands) and, for a live run,
 * `/events`, a server-sent event stream (an `init` message with everything so far, then
 * whatever the caller broadcasts). Requests naming another host are refused, so a web page
 * elsewhere cannot reach the view through DNS rebinding.
 *
 * @module
 */
import { type Asset, loadAssets } from "./assets.ts";

/** The port the view asks for when none is given; another free one if it is taken. */
export const DEFAULT_PORT = 8750;

/** Resolves on Ctrl-C (SIGINT) or when `signal` aborts, whichever comes first. */
export function waitForInterrupt(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      Deno.removeSignalListener("SIGINT", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    Deno.addSignalListener("SIGINT", done);
    signal?.addEventListener("abort", done);
    if (signal?.aborted) done();
  });
}

/** What a {@linkcode ViewServer} serves. */
export interface ViewServerOptions {
  /** `live` (a run under way, streamed) or `compare` (finished run directories). */
  mode: "live" | "compare";
  /**
   * The port; 0 for any free one; null or absent for {@linkcode DEFAULT_PORT}, or any free
   * port when that one is taken.
   */
  port?: number | null;
  /** The view's data as it stands: `/data.json`, and the `init` message of `/events`. */
  data: () => unknown;
}

const encoder = new TextEncoder();

/** One server-sent event. */
function sseMessage(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A started view server. */
export class ViewServer {
  /** The page's address, e.g. `http://127.0.0.1:8750/`. */
  readonly url: string;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  #closed = false;

  private constructor(
    server: Deno.HttpServer<Deno.NetAddr>,
    clients: Set<ReadableStreamDefaultController<Uint8Array>>,
  ) {
    this.#server = server;
    this.#clients = clients;
    this.url = `http://127.0.0.1:${server.addr.port}/`;
  }

  /**
   * Loads the assets and starts serving on 127.0.0.1.
   *
   * @throws {Deno.errors.AddrInUse} when an explicitly asked port is taken
   * @throws {Error} when a vega build cannot be read (the message names the fix)
   */
  static async start(options: ViewServerOptions): Promise<ViewServer> {
    const assets = await loadAssets(options.mode);
    const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
    const handler = (request: Request) => respond(request, assets, clients, options);
    const serve = (port: number) =>
      Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, handler);
    let server: Deno.HttpServer<Deno.NetAddr>;
    if (options.port === null || options.port === undefined) {
      try {
        server = serve(DEFAULT_PORT);
      } catch (error) {
        if (!(error instanceof Deno.errors.AddrInUse)) throw error;
        server = serve(0);
      }
    } else server = serve(options.port);
    return new ViewServer(server, clients);
  }

  /** Sends one event to every connected page. */
  broadcast(event: string, data: unknown): void {
    if (this.#closed || this.#clients.size === 0) return;
    const message = sseMessage(event, data);
    for (const client of this.#clients) {
      try {
        client.enqueue(message);
      } catch {
        this.#clients.delete(client);
      }
    }
  }

  /** Ends every event stream and stops the server. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const client of this.#clients) {
      try {
        client.close();
      } catch { /* already closed by the page */ }
    }
    this.#clients.clear();
    await this.#server.shutdown();
  }
}

function respond(
  request: Request,
  assets: Map<string, Asset>,
  clients: Set<ReadableStreamDefaultController<Uint8Array>>,
  options: ViewServerOptions,
): Response {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? "";
  if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) {
    return new Response("gossim view: only http://127.0.0.1 may be used\n", { status: 421 });
  }
  if (request.method !== "GET") return new Response("method not allowed\n", { status: 405 });
  if (url.pathname === "/data.json") {
    return new Response(JSON.stringify(options.data()), {
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    });
  }
  if (url.pathname === "/events" && options.mode === "live") {
    let controller: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        clients.add(c);
        c.enqueue(sseMessage("init", options.data()));
      },
      cancel() {
        clients.delete(controller);
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }
  const asset = assets.get(url.pathname);
  if (!asset) return new Response("not found\n", { status: 404 });
  return new Response(asset.body, {
    headers: { "content-type": asset.type, "cache-control": "no-store" },
  });
}
