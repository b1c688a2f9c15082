/**
 * The files the view's page loads, all local: the page and its scripts from this folder, and
 * vega, vega-lite and vega-embed's browser builds from the project's own npm dependencies
 * (the versions pinned in `deno.json`, read from Deno's npm cache), never from a CDN.
 *
 * @module
 */

/** A file the server answers with: its bytes and content type. */
export interface Asset {
  /** The body. */
  body: Uint8Array<ArrayBuffer>;
  /** The `Content-Type` header. */
  type: string;
}

const JS = "text/javascript; charset=utf-8";

/** The page's own files, by URL path. */
const OWN_FILES: Record<string, string> = {
  "/client.js": "client.js",
  "/charts.js": "charts.js",
  "/graph_view.js": "graph_view.js",
  "/panels.js": "panels.js",
};

/** The browser builds of the vega packages, by URL path: [package, file beside its entry]. */
const VENDOR_FILES: Record<string, [string, string]> = {
  "/vendor/vega.min.js": ["vega", "vega.min.js"],
  "/vendor/vega-lite.min.js": ["vega-lite", "vega-lite.min.js"],
  "/vendor/vega-embed.min.js": ["vega-embed", "vega-embed.min.js"],
};

/** Every URL path the page loads besides itself. */
export const ASSET_PATHS: readonly string[] = [
  ...Object.keys(OWN_FILES),
  ...Object.keys(VENDOR_FILES),
];

/**
 * The browser build of an npm dependency: the file `name` in the folder of the package's
 * entry module (each of vega, vega-lite and vega-embed keeps its UMD build beside its ES
 * module entry, in `build/`).
 *
 * @throws {Error} naming the package and the fix when the file is not on disk
 */
async function vendorFile(pkg: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  let entry: URL;
  try {
    entry = new URL(import.meta.resolve(pkg));
  } catch (error) {
    throw new Error(`Cannot resolve npm package "${pkg}": ${(error as Error).message}`);
  }
  const file = new URL(name, entry);
  try {
    return await readUrl(file);
  } catch (error) {
    throw new Error(
      `Cannot read ${pkg}'s browser build ${file.href} (${(error as Error).message}); ` +
        "run `deno install` to fetch the project's npm dependencies",
    );
  }
}

/** Reads a file: or remote URL. */
async function readUrl(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") return await Deno.readFile(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Loads the page for `mode` and every asset it needs, once, before the server starts, so a
 * missing dependency is an error at startup rather than a broken page.
 *
 * @param mode `live` (a run under way, streamed) or `compare` (finished run directories)
 * @returns the page and the assets by URL path
 */
export async function loadAssets(mode: "live" | "compare"): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const page = new TextDecoder().decode(await readUrl(new URL("page.html", import.meta.url)));
  assets.set("/", {
    body: new TextEncoder().encode(page.replace("%MODE%", mode)),
    type: "text/html; charset=utf-8",
  });
  for (const [path, file] of Object.entries(OWN_FILES)) {
    assets.set(path, { body: await readUrl(new URL(file, import.meta.url)), type: JS });
  }
  for (const [path, [pkg, file]] of Object.entries(VENDOR_FILES)) {
    assets.set(path, { body: await vendorFile(pkg, file), type: JS });
  }
  return assets;
}
