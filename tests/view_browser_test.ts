// The live view and the compare view in a real headless Chromium (Debian's, driven by
// playwright-core; see tests/_browser.ts). Skipped, with the reason printed, only where
// Chromium or Node is missing and CI is not set. GOSSIM_SCREENSHOTS=DIR saves the
// screenshots there (the README's come from `GOSSIM_SCREENSHOTS=docs`), else to a temp dir.
import assert from "node:assert/strict";
import { main } from "../cli.ts";
import { resolveConfig, runSimulation } from "../simulation/mod.ts";
import { LiveView } from "../view/live.ts";
import { main as viewMain } from "../view/main.ts";
import { Browser, browserSkipReason } from "./_browser.ts";

const skip = browserSkipReason();
if (skip) console.log(`%cbrowser tests skipped: ${skip}`, "color: yellow");

/** A 6-node ring with a straggler (1), drops and node 3 crashing for good at 2 s. */
const CRASH = {
  name: "crash",
  algorithms: [
    { name: "decentralized-amsgrad", params: { alpha: 0.01 } },
    { name: "dgd", params: { alpha: 0.05 } },
  ],
  nodes: 6,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  steps: 3000,
  evalEvery: 50,
  engine: "actors",
  mode: "async",
  network: {
    latency: { type: "constant", value: 0.002 },
    dropProbability: 0.05,
    compute: { type: "exponential", mean: 0.01 },
    stragglers: { nodes: [1], slowdown: 3 },
    crashes: [{ node: 3, at: 2 }],
  },
};

/**
 * DGD on one-peer exponential (6 nodes, synchronous actors): the graph changes every step,
 * and ρ̂ stays above 0 for ~60 steps (on 8 nodes any 3 steps reach exact consensus).
 */
const SCHEDULE = {
  name: "one-peer",
  algorithms: [{ name: "dgd", params: { alpha: 0.05 } }],
  nodes: 6,
  schedule: { type: "one-peer-exponential" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  steps: 60,
  evalEvery: 5,
  engine: "actors",
  mode: "sync",
  network: { latency: { type: "constant", value: 0.002 } },
};

async function screenshotPath(name: string): Promise<string> {
  const folder = Deno.env.get("GOSSIM_SCREENSHOTS") ??
    await Deno.makeTempDir({ prefix: "gossim-shots-" });
  await Deno.mkdir(folder, { recursive: true });
  return `${folder}/${name}`;
}

/** Runs `run` with console.log captured; resolves the first URL it prints. */
function captureUrl(): { url: Promise<string>; restore: () => void } {
  const log = console.log;
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => found = resolve);
  console.log = (...parts: unknown[]) => {
    const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(parts.join(" "));
    if (match) found(match[0]);
  };
  return { url, restore: () => console.log = log };
}

async function pageChecks(browser: Browser, base: string) {
  const scripts = await browser.evaluate<string[]>(
    "[...document.scripts].map((s) => s.src)",
  );
  assert.ok(scripts.length >= 4, `${scripts}`);
  for (const src of scripts) assert.ok(src.startsWith(base), `script from elsewhere: ${src}`);
  assert.deepEqual(browser.problems, [], "console errors, page errors or failed requests");
}

Deno.test({
  name: "the live view, in Chromium: curves grow while the run goes on, a crash shows",
  ignore: skip !== null,
  async fn(t) {
    const started = performance.now();
    const browser = await Browser.launch();
    console.log(`chromium ${browser.version} up in ${(performance.now() - started).toFixed(0)} ms`);
    try {
      await t.step("library: LiveView + runSimulation", async () => {
        const config = resolveConfig(CRASH);
        const view = await LiveView.start(config, { port: 0 });
        try {
          assert.match(view.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
          await browser.goto(view.url);
          await browser.waitFor('#status[data-status="waiting"]');
          await browser.waitFor('[data-node="5"][data-state="waiting"]');
          // The server's side, read by a client in this process: ticks carrying rows arrive
          // while the run goes on (how soon Chromium shows them depends on the machine's load;
          // the next step checks the page's side without timing).
          const during: number[] = [];
          let running = true;
          const events = new EventSource(`${view.url}events`);
          await new Promise((resolve) => events.addEventListener("init", resolve, { once: true }));
          events.addEventListener("tick", (event) => {
            if (running) during.push(JSON.parse(event.data).rows.length);
          });
          const result = await runSimulation(config, view.hooks);
          running = false;
          events.close();
          view.finish({ status: "complete" });
          await browser.waitFor('#status[data-status="complete"]');
          await browser.evaluate("gossim.idle()");
          const total = result.runs.reduce((sum, run) => sum + run.rows.length, 0);
          assert.equal(await browser.evaluate<number>("gossim.points()"), total);
          const carrying = during.filter((rows) => rows > 0);
          assert.ok(
            carrying.length >= 3,
            `rows in each tick sent while running: ${during.join(" ")} (of ${total})`,
          );
          await browser.waitFor('[data-node="1"][data-state="straggling"]');
          await browser.waitFor('[data-node="3"][data-state="crashed"]');
          await browser.waitFor('[data-legend="crashed"]');
          const dropped = await browser.evaluate<number>(
            `Number(document.querySelector('line[data-link="2-3"]').dataset.dropped)`,
          );
          assert.ok(dropped > 0, "messages to the crashed node are dropped");
          const clock = await browser.evaluate<string>(
            `document.getElementById("clock").textContent`,
          );
          assert.match(clock, /^virtual time \d+\.\d{3} s$/);
          await pageChecks(browser, view.url);
          await browser.screenshot(await screenshotPath("live-view.png"));
        } finally {
          await view.close();
        }
      });

      await t.step("the page: the curves grow with each batch of rows, while running", async () => {
        // A run's rows fed by hand in four batches: after each, the page holds exactly the rows
        // sent so far and says the run is under way, however slowly the machine runs Chromium.
        const config = resolveConfig({ ...CRASH, steps: 600 });
        const result = await runSimulation(config);
        const view = await LiveView.start(config, { port: 0 });
        try {
          await browser.goto(view.url);
          await browser.waitFor('#status[data-status="waiting"]');
          const rows = result.runs.flatMap((run, index) =>
            run.rows.map((row) => ({ row, run: { index, total: 2, steps: config.steps } }))
          );
          const shown: number[] = [];
          for (let batch = 1; batch <= 4; batch++) {
            const upto = Math.round(rows.length * batch / 4);
            for (const { row, run } of rows.slice(shown.at(-1) ?? 0, upto)) {
              view.hooks.onRow(row, run);
            }
            await browser.evaluate(`new Promise((resolve) => {
              const poll = () => gossim.received() === ${upto} ? resolve() : setTimeout(poll, 20);
              poll();
            })`);
            await browser.evaluate("gossim.idle()");
            assert.equal(await browser.evaluate<number>("gossim.points()"), upto);
            if (batch < 4) await browser.waitFor('#status[data-status="running"]');
            shown.push(upto);
          }
          const history = await browser.evaluate<number[]>("gossim.history");
          assert.deepEqual(history.filter((points) => shown.includes(points)), shown);
          for (let i = 1; i < history.length; i++) assert.ok(history[i] > history[i - 1]);
          view.finish({ status: "complete" });
          await browser.waitFor('#status[data-status="complete"]');
        } finally {
          await view.close();
        }
      });

      await t.step("a schedule: the mixing-rate chart, the step's edges as arrows", async () => {
        const config = resolveConfig(SCHEDULE);
        const view = await LiveView.start(config, { port: 0 });
        try {
          await browser.goto(view.url);
          // Before the run: W_1, node i → i + 1.
          await browser.waitFor('.active[data-step="1"] line[data-active="5-0"]');
          await runSimulation(config, view.hooks);
          view.finish({ status: "complete" });
          await browser.waitFor('#status[data-status="complete"]');
          // Step 60: offset 2^((60 − 1) mod 3) = 4.
          await browser.waitFor('.active[data-step="60"] line[data-active="5-3"]');
          const arrows = await browser.evaluate<string[]>(
            `[...document.querySelectorAll(".active line")].map((l) => l.getAttribute("marker-end"))`,
          );
          assert.deepEqual(arrows, new Array(6).fill("url(#arrow-active)"));
          const note = await browser.evaluate<string>(
            `document.getElementById("schedule-note").textContent`,
          );
          assert.match(note, /^one-peer-exponential: the 6 edges \(blue\) of step 60/);
          await browser.evaluate("gossim.idle()");
          const charts = await browser.evaluate<string>(
            `document.getElementById("charts").textContent`,
          );
          for (const text of ["mixing rate", "ρ̂ realised", "nominal"]) {
            assert.ok(charts.includes(text), `the charts lack "${text}"`);
          }
          await pageChecks(browser, view.url);
          await browser.screenshot(await screenshotPath("live-view-schedule.png"));
        } finally {
          await view.close();
        }
      });

      await t.step("command line: sim --serve 0, stays up until stopped", async () => {
        const folder = await Deno.makeTempDir();
        const file = `${folder}/crash.json`;
        await Deno.writeTextFile(file, JSON.stringify({ ...CRASH, steps: 600 }));
        const stop = new AbortController();
        const capture = captureUrl();
        const code = main(["--config", file, "--serve", "0", "--quiet"], { stop: stop.signal });
        try {
          const url = await capture.url;
          await browser.goto(url);
          await browser.waitFor('#status[data-status="complete"]');
          await browser.waitFor('[data-node="3"][data-state="crashed"]');
          await browser.waitFor('.run[data-run="1"][data-status="finished"]');
          await pageChecks(browser, url);
        } finally {
          stop.abort();
          assert.equal(await code, 0);
          capture.restore();
        }
      });

      await t.step("deno task view: two run directories side by side", async () => {
        const root = await Deno.makeTempDir();
        const { network: _, mode: _mode, ...plain } = { ...CRASH, steps: 300 };
        const runs = [
          await runSimulation({ ...plain, engine: "sequential", out: `${root}/sequential` }),
          await runSimulation({ ...CRASH, steps: 300, out: `${root}/actors` }),
        ];
        const total = runs.flatMap((r) => r.runs).reduce((sum, run) => sum + run.rows.length, 0);
        const stop = new AbortController();
        const capture = captureUrl();
        const code = viewMain([`${root}/sequential`, `${root}/actors`, "--port", "0"], {
          stop: stop.signal,
        });
        try {
          const url = await capture.url;
          await browser.goto(url);
          await browser.waitFor('#status[data-status="complete"]');
          await browser.waitFor('table[data-source="sequential"]');
          await browser.waitFor('table[data-source="actors"]');
          await browser.evaluate("gossim.idle()");
          assert.equal(await browser.evaluate<number>("gossim.points()"), total);
          const text = await browser.evaluate<string>(
            `document.getElementById("charts").textContent`,
          );
          for (const series of ["sequential · dgd", "actors · decentralized-amsgrad"]) {
            assert.ok(text.includes(series), `legend lacks ${series}`);
          }
          const rows = await browser.evaluate<number>(
            `document.querySelectorAll("table[data-source] tr").length`,
          );
          assert.equal(rows, 2 * 3, "a header and two runs per directory");
          await pageChecks(browser, url);
          await browser.screenshot(await screenshotPath("compare-view.png"));
        } finally {
          stop.abort();
          assert.equal(await code, 0);
          capture.restore();
        }
      });
    } finally {
      await browser.close();
      console.log(`browser test: ${(performance.now() - started).toFixed(0)} ms`);
    }
  },
});
