// The figures' printed tables: rows of cells, every column padded to its widest cell.

/**
 * Rows of cells as text lines, every column padded to its widest cell (in characters, so
 * `α` and `≥` count as one), two spaces between columns, no trailing blanks.
 *
 * @param rows the header first, then the rows; every row has as many cells
 * @returns one line a row
 */
export function textTable(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => [...row[k]].length)));
  return rows.map((row) =>
    row.map((cell, k) => cell + " ".repeat(widths[k] - [...cell].length)).join("  ").trimEnd()
  );
}
