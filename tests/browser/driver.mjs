// Drives a headless Chromium for the Deno browser tests (tests/_browser.ts), under Node:
// playwright-core cannot load under Deno without --allow-all (at import it probes
// /proc/sys/fs/binfmt_misc/WSLInterop, a path Deno opens only with --allow-all), and the
// test tasks never grant that. Commands come as JSON lines on stdin ({ id, op, ... }); each
// gets one reply line ({ id, ok, value } or { id, ok: false, error }) on stdout, where the
// page's console messages, errors and failed requests are reported too ({ event, ... }).
import { createInterface } from "node:readline";

let context;
let page;

const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const operations = {
  async launch({ playwright, executablePath, userDataDir, args, viewport }) {
    const { chromium } = await import(playwright);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args,
      viewport,
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on("console", (m) => write({ event: "console", type: m.type(), text: m.text() }));
    page.on("pageerror", (e) => write({ event: "pageerror", text: String(e?.stack ?? e) }));
    // net::ERR_ABORTED is the page cancelling a request (an event stream it closed or left).
    page.on("requestfailed", (r) => {
      const text = r.failure()?.errorText ?? "";
      if (text !== "net::ERR_ABORTED") write({ event: "requestfailed", url: r.url(), text });
    });
    page.on("response", (r) => {
      if (r.status() >= 400) write({ event: "response", url: r.url(), status: r.status() });
    });
    return context.browser()?.version() ?? "chromium";
  },
  async goto({ url }) {
    await page.goto(url);
  },
  async waitFor({ selector, timeout }) {
    await page.waitForSelector(selector, { timeout });
  },
  evaluate({ expression }) {
    return page.evaluate(expression);
  },
  async screenshot({ path, fullPage }) {
    await page.screenshot({ path, fullPage });
  },
  async close() {
    await context?.close();
    context = undefined;
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, op, ...args } = JSON.parse(line);
  try {
    const value = await operations[op](args);
    write({ id, ok: true, value: value ?? null });
  } catch (error) {
    write({ id, ok: false, error: String(error?.message ?? error) });
  }
  if (op === "close") break;
}
await context?.close();
