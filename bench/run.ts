/**
 * `make bench`: measures everything issue 5 asks for and writes bench/results/results.json,
 * results.md (tables) and results.svg / results.png (chart). Expects `make package` and
 * `npm ci --prefix bench/peer` to have run (the Makefile target does both).
 *
 * BENCH_RUNS (default 3) and BENCH_SECONDS (default 3) shorten or lengthen the load runs.
 *
 * `npx tsx bench/run.ts --only throughput [--skip-peer]` runs the throughput matrix alone (the local
 * gateway, the fair ceiling, the bare server and, unless skipped, serverless-offline) and prints its
 * table and the fair-ceiling target, writing no results file (those come from a whole run).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { codeKeyParameterOverrides, readManifest } from "../lib/build/manifest.js";
import { loadTemplate } from "../lib/cloudformation/load-template.js";
import { resolveStack } from "../local/cloudformation/resolve-stack.js";
import { LOCAL_STACK_NAME } from "../local/index.js";
import { measureAuthorizerDecisions } from "./authorizer-decisions.js";
import { measureAuthorizerEconomy } from "./authorizer-economy.js";
import { renderChartSvg, svgToPng } from "./chart.js";
import { measureColdStart } from "./cold-start.js";
import { measureGateCost } from "./gate-cost.js";
import { type BenchResults, cellOf, renderMarkdown, renderThroughputTable } from "./report.js";
import { targetChecks } from "./targets.js";
import { measureThroughput, TARGETS } from "./throughput.js";
import { measureTraceCostInFreshProcess, TRACE_PAIR_SECONDS, TRACE_PAIRS } from "./trace-cost.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const RESULTS_DIR = join(ROOT, "bench/results");
const PEER_DIR = join(ROOT, "bench/peer");
const CONNECTIONS = [1, 16, 64];

const log = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const settings = {
  connections: CONNECTIONS,
  durationSeconds: Number(process.env.BENCH_SECONDS ?? 3),
  runs: Number(process.env.BENCH_RUNS ?? 3),
};
const machine = {
  node: process.versions.node,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  loadAverage: loadavg(),
};
const manifest = readManifest(join(ROOT, "dist/manifest.json"));

const argv = process.argv.slice(2);
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
if (only !== undefined && only !== "throughput") {
  process.stderr.write(`bench/run.ts: --only takes "throughput", not ${JSON.stringify(only)}\n`);
  process.exit(2);
}
if (only === "throughput") {
  const targets = TARGETS.filter(
    (target) => !(argv.includes("--skip-peer") && target === "serverless-offline"),
  );
  log(`throughput only (${targets.join(", ")}): ${settings.runs} × ${settings.durationSeconds} s per cell`);
  const throughput = await measureThroughput({
    manifest,
    rootDir: ROOT,
    peerDir: PEER_DIR,
    ...settings,
    log,
    targets,
  });
  log(["", ...renderThroughputTable(throughput, settings.connections), ""].join("\n"));
  const checks = targetChecks({
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine,
    settings,
    throughput,
    economy: [],
    coldStart: [],
    authorizer: { decisionsPerSecond: 0, runs: [], getItemCalls: 0 },
  }).filter((check) => check.name.includes("fair ceiling") || check.name.includes("overhead"));
  for (const check of checks) {
    log(
      `${check.met ? "met " : "MISS"} ${check.name}: ${check.measured}${check.met ? "" : `\n  why: ${check.why}`}`,
    );
  }
  log(
    `load average at start ${machine.loadAverage.map((n) => n.toFixed(2)).join(" / ")} on ${machine.cpus} CPU(s)`,
  );
  process.exit(0);
}

log("authorizer decisions per second (in process, stubbed DynamoDB)");
const authorizer = await measureAuthorizerDecisions({ runs: 5, windowMs: 1000 });

log("cold-start proxies (fresh process per load, median of 7)");
const stack = resolveStack(loadTemplate(join(ROOT, "cloudformation/api.yaml")), {
  stackName: LOCAL_STACK_NAME,
  parameterOverrides: { ArtifactBucket: "local-artifacts", ...codeKeyParameterOverrides(manifest) },
});
const functionIds = Object.entries(stack.resources)
  .filter(([, resource]) => resource.type === "AWS::Lambda::Function")
  .map(([logicalId]) => logicalId);
const coldStart = await measureColdStart(manifest, {
  runs: 7,
  rootDir: ROOT,
  logicalIds: functionIds,
  environment: (logicalId) => {
    const variables =
      (
        stack.resources[logicalId]?.properties.Environment as
          | { Variables?: Record<string, unknown> }
          | undefined
      )?.Variables ?? {};
    return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]));
  },
});

log("authorizer economy through the local gateway (1,000 requests per design)");
const economy = await measureAuthorizerEconomy({ manifest, rootDir: ROOT, requests: 1000 });

log(`throughput: ${settings.runs} × ${settings.durationSeconds} s per cell`);
const throughput = await measureThroughput({ manifest, rootDir: ROOT, peerDir: PEER_DIR, ...settings, log });

log("decision trace on vs off (16 connections, in a fresh process)");
// More, shorter pairs than the throughput matrix (see TRACE_PAIRS): the cost is the median of the
// pairs' costs.
const traceCost = await measureTraceCostInFreshProcess({
  connections: 16,
  durationSeconds: Math.min(settings.durationSeconds, TRACE_PAIR_SECONDS),
  runs: Math.max(settings.runs, TRACE_PAIRS),
  log,
});
log("the local DynamoDB gate's cost per call (gate on vs off, 2,000 GetItems each)");
const gate = await measureGateCost({ manifest, rootDir: ROOT, calls: 2000 });

const partial: Omit<BenchResults, "targets"> = {
  startedAt: new Date(started).toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine,
  settings,
  throughput,
  economy,
  coldStart,
  authorizer,
  traceCost,
  gate,
};
const results: BenchResults = { ...partial, targets: targetChecks(partial) };

mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(RESULTS_DIR, "results.md"), renderMarkdown(results));
writeFileSync(join(RESULTS_DIR, "results.svg"), renderChartSvg(throughput.cells, CONNECTIONS));
const tool = svgToPng(join(RESULTS_DIR, "results.svg"), join(RESULTS_DIR, "results.png"), PEER_DIR);

const get = (target: string) => cellOf(throughput.cells, target, "GET /user/{id} (cached authorizer)", 16);
log(
  `done in ${Math.round((Date.now() - started) / 1000)} s: cached GET at 16 connections ` +
    `${get("local gateway")?.requestsPerSecond} req/s (serverless-offline ${get("serverless-offline")?.requestsPerSecond}, ` +
    `bare ${get("bare node:http")?.requestsPerSecond}); chart by ${tool}; see bench/results/results.md`,
);
for (const check of results.targets) log(`  ${check.met ? "met " : "MISS"} ${check.name}: ${check.measured}`);
