/**
 * The report as a list of blocks (headings, paragraphs, tables, plots), rendered once to
 * Markdown (plots linked from `plots/`) and once to a standalone HTML page (plots inline), so
 * both say the same.
 *
 * @module
 */
import type { Plot } from "./plots.ts";

/** One block of the report. */
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "table"; header: string[]; rows: string[][] }
  | { kind: "plot"; plot: Plot };

/** A table cell's text for Markdown: pipes escaped, line breaks as spaces. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * Renders the blocks as Markdown; plots are images under `plots/`.
 *
 * @param blocks the report
 * @returns the Markdown text
 */
export function toMarkdown(blocks: readonly Block[]): string {
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case "heading":
        return `${"#".repeat(block.level)} ${block.text}`;
      case "paragraph":
        return block.text;
      case "table":
        return [
          `| ${block.header.map(cell).join(" | ")} |`,
          `| ${block.header.map(() => "---").join(" | ")} |`,
          ...block.rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
        ].join("\n");
      case "plot":
        return `![${block.plot.title}](plots/${block.plot.file})`;
    }
  });
  return parts.join("\n\n") + "\n";
}

/** Escapes text for HTML, then turns `**bold**` and `` `code` `` into their elements. */
function inline(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>");
}

const STYLE =
  `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;` +
  `line-height:1.45}table{border-collapse:collapse;margin:1em 0;font-size:0.9em}` +
  `td,th{border:1px solid #ccc;padding:0.3em 0.5em;vertical-align:top;text-align:left}` +
  `th{background:#f3f3f3}figure{margin:1em 0}code{background:#f3f3f3;padding:0 0.2em}`;

/**
 * Renders the blocks as a standalone HTML page (well-formed XML too), plots inline as SVG.
 *
 * @param blocks the report
 * @param title the page title
 * @returns the HTML text
 */
export function toHtml(blocks: readonly Block[], title: string): string {
  const body = blocks.map((block) => {
    switch (block.kind) {
      case "heading":
        return `<h${block.level}>${inline(block.text)}</h${block.level}>`;
      case "paragraph":
        return `<p>${inline(block.text)}</p>`;
      case "table":
        return `<table><thead><tr>${
          block.header.map((h) => `<th>${inline(h)}</th>`).join("")
        }</tr></thead><tbody>${
          block.rows.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`)
            .join("")
        }</tbody></table>`;
      case "plot":
        return `<figure>${block.plot.svg.replace(/^<\?xml[^>]*\?>\s*/, "")}</figure>`;
    }
  });
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>${
    inline(title)
  }</title><style>${STYLE}</style></head><body>\n${body.join("\n")}\n</body></html>\n`;
}
