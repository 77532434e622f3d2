/**
 * The coverage gate of `make test`: line coverage per top-level folder from c8's json-summary,
 * failing when Lambda code (`handlers/`) or the shared layer (`lib/`) is under its threshold. The
 * other folders are reported, not gated: much of `local/` runs in worker threads as bundled code,
 * which the source-level report cannot attribute.
 *
 * Usage: `tsx scripts/check-coverage.ts coverage/coverage-summary.json`
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";

/** Minimum line coverage, in percent, of the gated folders. */
export const LINE_THRESHOLDS: Readonly<Record<string, number>> = { handlers: 90, lib: 90 };

interface Totals {
  covered: number;
  total: number;
}

/** Sums c8's per-file line counts by the file's top-level folder (relative to `root`). */
export function linesByFolder(summary: Record<string, { lines: Totals }>, root: string): Map<string, Totals> {
  const folders = new Map<string, Totals>();
  for (const [file, { lines }] of Object.entries(summary)) {
    if (file === "total") continue;
    const folder = relative(root, file).split("/")[0] ?? file;
    const sum = folders.get(folder) ?? { covered: 0, total: 0 };
    sum.covered += lines.covered;
    sum.total += lines.total;
    folders.set(folder, sum);
  }
  return folders;
}

function main(): void {
  const file = process.argv[2] ?? "coverage/coverage-summary.json";
  const folders = linesByFolder(JSON.parse(readFileSync(file, "utf8")), process.cwd());
  let failed = false;
  for (const [folder, { covered, total }] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    const percent = total === 0 ? 100 : (100 * covered) / total;
    const threshold = LINE_THRESHOLDS[folder];
    const verdict =
      threshold === undefined
        ? "(reported)"
        : percent >= threshold
          ? `>= ${threshold} %`
          : `< ${threshold} % FAIL`;
    if (threshold !== undefined && percent < threshold) failed = true;
    console.log(
      `coverage: ${folder.padEnd(9)} ${percent.toFixed(1).padStart(5)} % lines (${covered}/${total}) ${verdict}`,
    );
  }
  if (failed) {
    console.error(
      "coverage gate failed: add tests for the uncovered lines (make coverage writes coverage/index.html)",
    );
    process.exitCode = 1;
  }
}

main();
