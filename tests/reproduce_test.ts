import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { CLAIM_IDS } from "../reproduce/claims.ts";
import { neighbourValues } from "../reproduce/seed003.ts";
import { toHtml, toMarkdown } from "../reproduce/report.ts";

/** The cells of a Markdown table row (pipes escaped as `\|` stay inside their cell). */
function cells(line: string): string[] {
  return line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The rows of the Markdown table that follows the heading `## title`. */
function tableAfter(markdown: string, title: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(`## ${title}`);
  assert.ok(start >= 0, `no section "${title}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (line.startsWith("|") && !line.startsWith("| ---")) rows.push(cells(line));
  }
  return rows;
}

Deno.test("deno task reproduce --quick writes a report with exactly one verdict per claim C000-1 … C004-5", async () => {
  const out = await Deno.makeTempDir();
  try {
    const command = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        new URL("../reproduce/main.ts", import.meta.url).pathname,
        "--quick",
        "--quiet",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const { code, stderr } = await command.output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));

    const markdown = await Deno.readTextFile(`${out}/report.md`);
    const [header, ...rows] = tableAfter(markdown, "Claims");
    assert.deepEqual(header.at(-1), "verdict");
    assert.deepEqual(rows.map((row) => row[0]), [...CLAIM_IDS]);
    for (const row of rows) {
      assert.equal(row.length, header.length, row[0]);
      assert.ok(["PASS", "FAIL"].includes(row.at(-1)!), `${row[0]}: ${row.at(-1)}`);
      assert.ok(row[2].length > 0 && row[2] !== "—", `${row[0]} has no numbers`);
    }
    for (const id of CLAIM_IDS) {
      const verdicts = markdown.split("\n").filter((line) =>
        line.startsWith(`| ${id} |`) && /\| (PASS|FAIL) \|$/.test(line)
      );
      assert.equal(verdicts.length, 1, `${id}: ${verdicts.length} verdict lines`);
    }
    const criteria = tableAfter(markdown, "Criteria and what was tried").slice(1);
    assert.deepEqual(criteria.map((row) => row[0]), [...CLAIM_IDS]);

    const json = JSON.parse(await Deno.readTextFile(`${out}/claims.json`));
    assert.equal(json.scale, "quick");
    assert.deepEqual(json.claims.map((c: { id: string }) => c.id), [...CLAIM_IDS]);
    for (const claim of json.claims) assert.ok(["pass", "fail"].includes(claim.verdict), claim.id);

    // The seed 003 section holds the vBiasCorrection ablation, one row per variant.
    assert.match(markdown, /\| vBiasCorrection \| Fed-AMS α \|/);
    for (const variant of ["paper", "none", "from-zero"]) {
      assert.match(markdown, new RegExp(`^\\| ${variant} \\| α = `, "m"), variant);
    }

    // Every plot the Markdown links exists and is inline in the HTML, which is well-formed.
    const linked = [...markdown.matchAll(/!\[[^\]]*\]\(plots\/([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(linked.length >= 9, `${linked.length} plots`);
    for (const file of linked) {
      const svg = await Deno.readTextFile(`${out}/plots/${file}`);
      assert.ok(svg.startsWith("<svg"), file);
    }
    const html = await Deno.readTextFile(`${out}/report.html`);
    assert.equal(XMLValidator.validate(html.replace(/^<!DOCTYPE html>\n/, "")), true);
    assert.equal(html.match(/<svg/g)?.length, linked.length);
    assert.equal(html.match(/<td>(PASS|FAIL)<\/td>/g)?.length, CLAIM_IDS.length);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("reproduce --help prints usage and a bad flag exits 2 without running anything", async () => {
  const { main } = await import("../reproduce/main.ts");
  const printed: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = console.error = (...parts: unknown[]) => printed.push(parts.join(" "));
  try {
    assert.equal(await main(["--help"]), 0);
    assert.equal(await main(["--fast"]), 2);
  } finally {
    [console.log, console.error] = [log, error];
  }
  assert.match(printed.join("\n"), /--quick/);
  assert.match(printed.join("\n"), /Cannot reproduce: .*--fast/);
});

Deno.test("report blocks render to Markdown tables and escaped, well-formed HTML", () => {
  const blocks = [
    { kind: "heading" as const, level: 2 as const, text: "Claims" },
    { kind: "table" as const, header: ["a", "b"], rows: [["x | y", "**PASS** <ok>"]] },
  ];
  const markdown = toMarkdown(blocks);
  assert.match(markdown, /^\| x \\\| y \| \*\*PASS\*\* <ok> \|$/m);
  const html = toHtml(blocks, "t & u");
  assert.match(html, /<td>x \| y<\/td><td><strong>PASS<\/strong> &lt;ok&gt;<\/td>/);
  assert.equal(XMLValidator.validate(html.replace(/^<!DOCTYPE html>\n/, "")), true);
});

Deno.test("the 3-epoch and CNN settings try the 1-epoch choice and its grid neighbours", () => {
  const grid = [1, 0.3, 0.1, 0.03];
  assert.deepEqual(neighbourValues(grid, 0.3, 1), [1, 0.3, 0.1]);
  assert.deepEqual(neighbourValues(grid, 1, 1), [1, 0.3]);
  assert.deepEqual(neighbourValues(grid, 0.03, 2), [0.3, 0.1, 0.03]);
  assert.deepEqual(neighbourValues(grid, 0.5, 1), [0.5]);
});
