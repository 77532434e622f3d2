/**
 * The results chart: requests per second per target, route and concurrency, as grouped bars on a
 * logarithmic axis (the three targets differ by orders of magnitude). Drawn as SVG by hand, then
 * rasterised to PNG with resvg (installed in bench/peer by `make bench`), or with `rsvg-convert`
 * from librsvg2-bin when that is what the machine has.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { cellOf } from "./report.js";
import { ROUTES, TARGETS, type ThroughputCell } from "./throughput.js";

const WIDTH = 960;
const HEIGHT = 480;
const MARGIN = { top: 56, right: 24, bottom: 84, left: 72 };
const COLOURS = ["#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#9e9e9e"];

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The chart as an SVG document.
 */
export function renderChartSvg(cells: ThroughputCell[], connections: number[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxValue = Math.max(10, ...cells.map((c) => c.requestsPerSecond));
  const topDecade = Math.ceil(Math.log10(maxValue));
  const y = (value: number) =>
    MARGIN.top + plotHeight - (Math.log10(Math.max(1, value)) / topDecade) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">Requests per second (log scale, median of runs)</text>`,
  ];
  for (let decade = 0; decade <= topDecade; decade++) {
    const lineY = y(10 ** decade);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${lineY}" y2="${lineY}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 8}" y="${lineY + 4}" text-anchor="end">${(10 ** decade).toLocaleString("en-US")}</text>`,
    );
  }
  const groups = ROUTES.flatMap((route) => connections.map((c) => ({ route, connections: c })));
  const groupWidth = plotWidth / groups.length;
  const barWidth = (groupWidth * 0.8) / TARGETS.length;
  groups.forEach((group, g) => {
    const groupX = MARGIN.left + g * groupWidth + groupWidth * 0.1;
    TARGETS.forEach((target, t) => {
      const cell = cellOf(cells, target, group.route, group.connections);
      if (cell === undefined) return;
      const top = y(cell.requestsPerSecond);
      parts.push(
        `<rect x="${groupX + t * barWidth}" y="${top}" width="${barWidth - 2}" height="${MARGIN.top + plotHeight - top}" fill="${COLOURS[t]}"/>`,
        `<text x="${groupX + t * barWidth + barWidth / 2}" y="${top - 4}" text-anchor="middle" font-size="10">${Math.round(cell.requestsPerSecond)}</text>`,
      );
    });
    const label = group.route.startsWith("GET") ? "GET (cached auth)" : "PUT /user";
    const labelX = groupX + groupWidth * 0.4;
    parts.push(
      `<text x="${labelX}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escapeXml(label)}</text>`,
      `<text x="${labelX}" y="${MARGIN.top + plotHeight + 34}" text-anchor="middle">${group.connections} connection(s)</text>`,
    );
  });
  TARGETS.forEach((target, t) => {
    const x = MARGIN.left + t * 175;
    const legendY = HEIGHT - 28;
    parts.push(
      `<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${COLOURS[t]}"/>`,
      `<text x="${x + 18}" y="${legendY}">${escapeXml(target)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/**
 * Rasterises `svgPath` to `pngPath`; returns the tool used. Throws, saying what to install, when
 * neither resvg (bench/peer) nor rsvg-convert is available.
 */
export function svgToPng(svgPath: string, pngPath: string, peerDir: string): string {
  const resvgPackage = resolve(peerDir, "node_modules/@resvg/resvg-js/package.json");
  if (existsSync(resvgPackage)) {
    const require = createRequire(resvgPackage);
    const { Resvg } = require("@resvg/resvg-js") as {
      Resvg: new (svg: Buffer, options: object) => { render(): { asPng(): Buffer } };
    };
    const png = new Resvg(readFileSync(svgPath), {
      background: "#ffffff",
      font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    })
      .render()
      .asPng();
    writeFileSync(pngPath, png);
    return "resvg";
  }
  try {
    execFileSync("rsvg-convert", ["--format=png", `--output=${pngPath}`, svgPath]);
    return "rsvg-convert";
  } catch {
    throw new Error(
      `cannot make ${pngPath}: run npm ci --prefix ${peerDir} (resvg) or install librsvg2-bin (rsvg-convert); ` +
        `the SVG is at ${svgPath}`,
    );
  }
}
