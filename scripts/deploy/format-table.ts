/**
 * Plain-text tables for the deploy commands' output (change sets, outputs, failures).
 */

/**
 * Lays out rows under headers, each column as wide as its widest cell, two spaces apart; the last
 * column is not padded, so no line ends in spaces.
 *
 * @example
 * ```ts
 * formatTable(["Action", "Resource"], [["Add", "TokenTable"]]);
 * // ["Action  Resource", "------  ----------", "Add     TokenTable"]
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? "";
        return column === widths.length - 1 ? cell : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}
