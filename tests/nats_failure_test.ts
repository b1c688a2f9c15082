// The NATS transport's failures: a host killed or hung mid-run, or the server stopped, ends the
// run within the bound with an error naming the host and its nodes (or the server), exit 1,
// the rows already written kept and the rerun command printed (the sim in a process of its own); a node's failure on a host
// arrives as data; a wrong token or nkey seed is refused (host and sim), a right seed serves;
// a host refuses a run of another gossim version or of a config other than its pinned one.
import assert from "node:assert/strict";

import { natsSkipReason, runSim, startBus, startHost } from "./_nats.ts";
import { NatsHosts } from "../actors/nats_hosts.ts";
import { VERSION } from "../simulation/version.ts";

const options = { sanitizeOps: false, sanitizeResources: false, ignore: natsSkipReason() !== null };

/** How a run loses part of itself mid-run, and what its error must say. */
const LOSSES: { what: string; message: RegExp }[] = [
  { what: "killed", message: /host b \(Workers 2, nodes 4–5\) was not heard from for 3.0 s/ },
  { what: "hung", message: /host b \(Workers 2, nodes 4–5\) was not heard from for 3.0 s/ },
  { what: "server", message: /lost the NATS server at nats:/ },
];

for (const { what, message } of LOSSES) {
  const title = what === "server" ? "the server stopped" : `a host ${what}`;
  Deno.test({
    name: `NATS transport: ${title} mid-run ends the run within the bound, rows kept`,
    ...options,
    async fn() {
      const bus = await startBus();
      const hosts = [startHost(bus, "a", 2), startHost(bus, "b", 1)];
      const dir = await Deno.makeTempDir({ prefix: "gossim-nats-loss-" });
      try {
        await Promise.all(hosts.map((host) => host.waitFor("waiting for runs")));
        const running = runSim(
          ...["--engine", "actors", "--quiet", "--problem", "quadratic", "--nodes", "6"],
          ...["--algorithm", "dgd", "--steps", "1000000", "--eval-every", "5"],
          ...["--out", `${dir}/out`, "--transport", bus.url, "--hosts", "2"],
          ...["--nats-token-file", bus.tokenFile, "--host-timeout", "3"],
        );
        await hosts[1].waitFor("started");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const lost = performance.now();
        if (what === "killed") await hosts[1].kill("SIGKILL");
        else if (what === "hung") hosts[1].process.kill("SIGSTOP");
        else await bus.stop();
        const run = await running;
        const seconds = (performance.now() - lost) / 1000;
        assert.equal(run.code, 1, run.err);
        assert.ok(seconds < 15, `the run took ${seconds.toFixed(1)} s to end`);
        assert.match(run.err, message);
        assert.match(run.err, /reproduce with: deno task sim --config .* --transport nats:/);
        const rows = (await Deno.readTextFile(`${dir}/out/metrics.jsonl`)).trim().split("\n");
        assert.ok(rows.length >= 1 && rows[0].startsWith("{"), "rows written before the loss");
        // The survivor leaves the run: ended by the scheduler, or on losing the server.
        await hosts[0].waitFor(what === "server" ? "lost the NATS server" : "ended", 10_000);
      } finally {
        for (const host of hosts) await host.kill("SIGKILL");
        await bus.stop();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "NATS transport: a node's failure on a host names the node and step, as in one process",
  ...options,
  async fn() {
    const bus = await startBus();
    const hosts = [startHost(bus, "a", 1), startHost(bus, "b", 1)];
    try {
      await Promise.all(hosts.map((host) => host.waitFor("waiting for runs")));
      // A model that diverges on one node: the failure names the node and step, as in one
      // process (where the same run is compared).
      const args = ["--engine", "actors", "--quiet", "--problem", "quadratic", "--nodes", "6"];
      args.push("--algorithm", "dgd", "--param", "alpha=50", "--steps", "200");
      const alone = await runSim(...args);
      const run = await runSim(
        ...args,
        ...["--transport", bus.url, "--hosts", "2", "--nats-token-file", bus.tokenFile],
      );
      // Which of two nodes diverging at the same step is named depends on which Worker answers
      // first, in one process too: the step and the kind of failure are compared.
      const failure = (err: string) => /node [0-5] failed at (step \d+): .*diverged/.exec(err)?.[1];
      assert.equal(run.code, 1, run.err);
      assert.equal(alone.code, 1, alone.err);
      assert.ok(failure(run.err), run.err);
      assert.equal(failure(run.err), failure(alone.err), `${run.err}\n---\n${alone.err}`);
      await Promise.all(hosts.map((host) => host.waitFor("ended", 10_000)));
    } finally {
      for (const host of hosts) await host.kill("SIGKILL");
      await bus.stop();
    }
  },
});

Deno.test({
  name: "NATS transport: a wrong token is refused; hosts refuse another version or config",
  ...options,
  async fn() {
    const bus = await startBus();
    const pinned = startHost(bus, "pinned", 1, ["--config-hash", "0123456789ab"]);
    try {
      const wrong = startHost(bus, "wrong", 1, ["--nats-token-file", bus.wrongTokenFile]);
      const status = await wrong.exited();
      assert.equal(status.code, 1);
      assert.match(wrong.log(), /refused the credential/);
      const sim = await runSim(
        ...["--engine", "actors", "--quiet", "--problem", "quadratic", "--steps", "2"],
        ...["--transport", bus.url, "--nats-token-file", bus.wrongTokenFile],
      );
      assert.equal(sim.code, 1);
      assert.match(sim.err, /refused the credential/);
      await pinned.waitFor("waiting for runs");
      const join = (version: string, config: string) =>
        NatsHosts.join({
          url: bus.url,
          token: Deno.readTextFileSync(bus.tokenFile).trim(),
          hosts: 1,
          version,
          config,
          joinTimeoutMs: 1500,
        });
      await assert.rejects(join("0.0.0-other", "0123456789abcdef"), /host runs gossim/);
      await assert.rejects(join(VERSION, "fedcba9876543210"), /pinned to config 0123456789ab/);
      const joined = await join(VERSION, "0123456789abcdef");
      assert.deepEqual(joined.members, [{ name: "pinned", workers: 1, base: 0 }]);
      await joined.close();
    } finally {
      await pinned.kill("SIGTERM");
      await bus.stop();
    }
  },
});

Deno.test({
  name: "NATS transport: an nkey seed authenticates a host and a run; another seed is refused",
  ...options,
  async fn() {
    const bus = await startBus({ nkey: true });
    const host = startHost(bus, "seeded", 1, ["--once"]);
    try {
      const wrong = startHost(bus, "wrong", 1, ["--nats-token-file", bus.wrongTokenFile]);
      assert.equal((await wrong.exited()).code, 1);
      assert.match(wrong.log(), /refused the credential/);
      await host.waitFor("waiting for runs");
      const run = await runSim(
        ...["--engine", "actors", "--quiet", "--problem", "quadratic", "--steps", "2"],
        ...["--transport", bus.url, "--nats-token-file", bus.tokenFile],
      );
      assert.equal(run.code, 0, run.err);
      assert.equal((await host.exited()).code, 0);
    } finally {
      await host.kill("SIGKILL");
      await bus.stop();
    }
  },
});
