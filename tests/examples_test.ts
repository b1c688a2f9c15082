import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { runCli } from "./_cli.ts";

const examples = [...Deno.readDirSync(new URL("../examples/", import.meta.url))]
  .filter((entry) => entry.name.endsWith(".json"))
  .map((entry) => entry.name)
  .sort();

Deno.test("every example config is valid and runs on the actor engine", async () => {
  assert.ok(examples.length >= 5, `${examples}`);
  for (const name of examples) {
    const text = await Deno.readTextFile(new URL(`../examples/${name}`, import.meta.url));
    const config = resolveConfig(JSON.parse(text));
    assert.equal(config.engine, "actors", name);
    assert.ok(config.out?.startsWith("runs/"), name);
  }
});

function seriesNames(svg: string): string[] {
  const texts: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "text") {
          texts.push(
            ...[value].flat().map((t) => String((t as { "#text"?: unknown })?.["#text"] ?? t)),
          );
        } else visit(value);
      }
    }
  };
  visit(new XMLParser({ ignoreAttributes: true }).parse(svg));
  return texts;
}

Deno.test("a scaled-down seed-003 example writes every output, parseable, with one plot of three series and one data split", async () => {
  const out = await Deno.makeTempDir();
  const { code, err } = await runCli(
    "--config",
    new URL("../examples/seed003_1epoch.json", import.meta.url).pathname,
    "--steps",
    "2",
    "--eval-every",
    "1",
    "--out",
    out,
    "--quiet",
  );
  assert.equal(code, 0, err);
  const files = [...Deno.readDirSync(out)].map((entry) => entry.name).sort();
  for (
    const file of [
      "config.json",
      "metrics.csv",
      "metrics.jsonl",
      "summary.json",
      "loss.svg",
      "accuracy.svg",
    ]
  ) {
    assert.ok(files.includes(file), `${file} missing from ${files}`);
  }
  const lines = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trimEnd().split("\n");
  assert.equal(lines.length, 3 * 2);
  const csv = (await Deno.readTextFile(`${out}/metrics.csv`)).split("\n");
  assert.match(
    csv[0],
    /^algorithm,step,loss,gradNormSq,consensusDistance,rateDisagreement,accuracy/,
  );
  const svg = await Deno.readTextFile(`${out}/accuracy.svg`);
  assert.equal(XMLValidator.validate(svg), true);
  const names = seriesNames(svg);
  for (const algorithm of ["fedavg", "fed-ams", "fed-lamb"]) {
    assert.ok(names.includes(algorithm), `${algorithm} not among ${names}`);
  }
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  const histograms = summary.runs.map((run: { classHistogram: number[][] }) => run.classHistogram);
  assert.equal(histograms[0].length, 50);
  assert.ok(histograms[0].every((row: number[]) => row.filter((count) => count > 0).length === 1));
  assert.deepEqual(histograms[1], histograms[0]);
  assert.deepEqual(histograms[2], histograms[0]);
  await Deno.remove(out, { recursive: true });
});
