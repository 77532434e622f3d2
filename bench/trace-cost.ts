/**
 * What the decision trace costs: two local APIs side by side in this process, one tracing every
 * request into the inspector's ring as `make start` does, one with `trace: false`, measured
 * alternately (on, off, off, on, on, off, …) so that a busy machine slows both alike. Routes: a GET the
 * cached authorizer allows (200) and one it denies (403, the reason line built). The issue's
 * budget: at most 5 % fewer requests per second with the trace on.
 *
 * `make bench` measures it in a process of its own ({@link measureTraceCostInFreshProcess}), as
 * `make start` is one: by then the bench's own process holds the earlier phases' heap (hundreds of
 * MB), and every full collection the ring's promoted traces cause walks all of it — a cost of the
 * bench, not of a local run.
 *
 * Alone: `make bench-trace` (BENCH_SECONDS, BENCH_RUNS).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { issueToken } from "../lib/tokens/token-issue-revoke.js";
import { createRequestRing } from "../local/admin/request-ring.js";
import { type LocalApi, startLocalApi } from "../local/index.js";
import {
  type LoadFigures,
  loadTest,
  medianOfRuns,
  type RequestSpec,
  sequentialLatency,
  warmUntilSteady,
} from "./http-load.js";
import { median, round } from "./lib/stats.js";

/** One route's figures with the trace on and off. */
export interface TraceCostRow {
  route: string;
  connections: number;
  on: TracedFigures;
  off: TracedFigures;
  /**
   * Median over the paired runs (on and off back to back) of (off − on) / off requests per second,
   * in percent (negative: on was faster).
   */
  costPercent: number;
  /** Median over the paired runs of (on − off) / off CPU time per request, in percent. */
  cpuCostPercent: number;
  /**
   * Median over paired batches (on then off, back to back) of p50(on) / p50(off) − 1 for sequential
   * requests, in percent: each pair sees the same machine load, so drift cancels out.
   */
  pairedLatencyCostPercent: number;
}

/** Load figures plus this process's CPU time per request (gateway, functions and load generator). */
export interface TracedFigures extends LoadFigures {
  cpuUsPerRequest: number;
}

/** How a measurement runs: load at `connections`, `runs` alternating runs of `durationSeconds` per side. */
export interface TraceCostOptions {
  connections: number;
  durationSeconds: number;
  runs: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** The budget of issue 11. */
export const TRACE_COST_BUDGET_PERCENT = 5;

/**
 * Alternating load runs per side and their length. One 2 s pair here differs by ±4 % with nothing
 * changed (the machine, the collector, autocannon sharing the two cores), so a 5 % budget needs the
 * median of many pairs: with 15, the cached 403 measured 6.3 % in make bench and 2.9 % in a run of
 * this phase alone minutes later, same code.
 */
export const TRACE_PAIRS = 25;
export const TRACE_PAIR_SECONDS = 2;

const USER = { id: "bench", name: "Bench User" };
/** Paired sequential batches per route for the latency comparison. */
const LATENCY_PAIRS = 9;
const ROUTE_NAMES = [
  "GET /user/{id} 200 (cached Allow)",
  "GET /user/{id} 403 (cached ImplicitDeny)",
] as const;
type RouteName = (typeof ROUTE_NAMES)[number];

/**
 * Measures the trace's cost at `connections` (median of `runs` alternating runs per side).
 *
 * @example
 * ```ts
 * const rows = await measureTraceCost({ connections: 16, durationSeconds: 3, runs: 3, log: console.log });
 * ```
 */
export async function measureTraceCost(options: TraceCostOptions): Promise<TraceCostRow[]> {
  const ring = createRequestRing();
  const traced = await startLocalApi({ onTrace: (trace) => ring.push(trace) });
  const untraced = await startLocalApi({ trace: false });
  try {
    const [onRoutes, offRoutes] = await Promise.all([prepare(traced), prepare(untraced)]);
    for (const name of ROUTE_NAMES) {
      // Both sides warm before any pair is measured: a side still compiling its hot code would
      // carry its warm-up into the pairs as if it were the trace's cost.
      for (const [side, spec] of [
        ["on", onRoutes[name]],
        ["off", offRoutes[name]],
      ] as const) {
        const warmUp = await warmUntilSteady(spec, options.connections);
        options.log(`  ${name} · trace ${side}: warmed (req/s ${warmUp.join(" → ")})`);
      }
    }
    const rows: TraceCostRow[] = [];
    for (const name of ROUTE_NAMES) {
      const on: TracedFigures[] = [];
      const off: TracedFigures[] = [];
      for (let run = 0; run < options.runs; run++) {
        const settings = {
          connections: options.connections,
          durationSeconds: options.durationSeconds,
          runs: 1,
        };
        // Alternate which side goes first, as for the latency pairs below: the side measured first
        // also pays for what the previous phase left behind (garbage to collect, a warmer machine).
        if (run % 2 === 0) {
          on.push(await measured(onRoutes[name], settings));
          off.push(await measured(offRoutes[name], settings));
        } else {
          off.push(await measured(offRoutes[name], settings));
          on.push(await measured(onRoutes[name], settings));
        }
      }
      const row = {
        route: name,
        connections: options.connections,
        on: medianFigures(on),
        off: medianFigures(off),
      };
      // Each run of one side is compared with the run of the other side next to it (same machine
      // state), and the median of those pair costs is the figure: a ratio of two medians taken
      // over the whole phase would carry the machine's drift between runs (±30 % here) into it.
      const costPercent = -medianPairChange(on, off, (figures) => figures.requestsPerSecond);
      const cpuCostPercent = medianPairChange(on, off, (figures) => figures.cpuUsPerRequest);
      const ratios: number[] = [];
      const batch = name.includes(" 200 ") ? 30 : 200;
      for (let pair = 0; pair < LATENCY_PAIRS; pair++) {
        // Alternate which side goes first, so neither always runs on the warmer machine.
        const first = pair % 2 === 0 ? onRoutes[name] : offRoutes[name];
        const second = pair % 2 === 0 ? offRoutes[name] : onRoutes[name];
        const a = (await sequentialLatency(first, batch)).p50Ms;
        const b = (await sequentialLatency(second, batch)).p50Ms;
        ratios.push(pair % 2 === 0 ? a / b : b / a);
      }
      const pairedLatencyCostPercent = round((median(ratios) - 1) * 100, 1);
      rows.push({ ...row, costPercent, cpuCostPercent, pairedLatencyCostPercent });
      options.log(
        `  ${name} · ${options.connections} connections: trace on ${row.on.requestsPerSecond} req/s ` +
          `(${row.on.cpuUsPerRequest} µs CPU/request), off ${row.off.requestsPerSecond} req/s ` +
          `(${row.off.cpuUsPerRequest} µs) → cost ${costPercent} % throughput, ${cpuCostPercent} % CPU, ` +
          `${pairedLatencyCostPercent} % p50 latency (median of ${LATENCY_PAIRS} paired batches)`,
      );
    }
    return rows;
  } finally {
    await traced.stop();
    await untraced.stop();
  }
}

/** Issues a token scoped to GET /user/{id}, writes the user, warms the cache: the two routes. */
async function prepare(api: LocalApi): Promise<Record<RouteName, RequestSpec>> {
  const client = localDynamoDBClient(api.dynamodb, api.region);
  try {
    const store = { client: DynamoDBDocumentClient.from(client), tableName: api.tables.TokenTable as string };
    const writer = (await issueToken(store, { principalId: "bench", scopes: ["PUT /user"] })).token;
    const reader = (await issueToken(store, { principalId: "bench", scopes: ["GET /user/{id}"] })).token;
    const put = await fetch(`${api.url}/user`, {
      method: "PUT",
      headers: { Authorization: writer, "Content-Type": "application/json" },
      body: JSON.stringify(USER),
    });
    if (put.status !== 204) throw new Error(`bench: PUT /user answered ${put.status}`);
    const routes: Record<RouteName, RequestSpec> = {
      "GET /user/{id} 200 (cached Allow)": {
        method: "GET",
        url: `${api.url}/user/${USER.id}`,
        headers: { Authorization: reader },
        expectStatus: 200,
      },
      "GET /user/{id} 403 (cached ImplicitDeny)": {
        method: "GET",
        url: `${api.url}/user/${USER.id}`,
        headers: { Authorization: writer },
        expectStatus: 403,
      },
    };
    for (const spec of Object.values(routes)) await fetch(spec.url, { headers: spec.headers });
    return routes;
  } finally {
    client.destroy();
  }
}

/** One load run with the CPU time this process spent per answered request. */
async function measured(
  spec: RequestSpec,
  settings: { connections: number; durationSeconds: number; runs: number },
): Promise<TracedFigures> {
  const before = process.cpuUsage();
  const figures = await loadTest(spec, settings);
  const cpu = process.cpuUsage(before);
  const requests = Math.max(1, figures.requestsPerSecond * settings.durationSeconds);
  return { ...figures, cpuUsPerRequest: round((cpu.user + cpu.system) / requests, 0) };
}

/** Median over the runs paired by index of (on − off) / off of `pick`, in percent, to 0.1. */
export function medianPairChange(
  on: TracedFigures[],
  off: TracedFigures[],
  pick: (figures: TracedFigures) => number,
): number {
  const changes = on.map((figures, i) => {
    const base = pick(off[i] as TracedFigures);
    return ((pick(figures) - base) / base) * 100;
  });
  return round(median(changes), 1);
}

/** The median of each figure over `runs`, CPU per request included (errors summed). */
function medianFigures(runs: TracedFigures[]): TracedFigures {
  const { runs: _, ...figures } = medianOfRuns(runs);
  return { ...figures, cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)) };
}

/** The line before the rows' JSON in the output of `trace-cost.ts --json`. */
const ROWS_MARKER = "trace cost rows:";

/**
 * {@link measureTraceCost} in a fresh Node.js process (this file run under the same loader), its
 * progress lines passed to `log`.
 *
 * @example
 * ```ts
 * const rows = await measureTraceCostInFreshProcess({ connections: 16, durationSeconds: 2, runs: 15, log: console.log });
 * ```
 */
export async function measureTraceCostInFreshProcess(options: TraceCostOptions): Promise<TraceCostRow[]> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--json"], {
    env: {
      ...process.env,
      BENCH_CONNECTIONS: String(options.connections),
      BENCH_SECONDS: String(options.durationSeconds),
      BENCH_RUNS: String(options.runs),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((done, fail) => {
    child.once("error", fail);
    child.once("exit", done);
  });
  let rows: TraceCostRow[] | undefined;
  let next: "progress" | "rows" = "progress";
  for await (const line of createInterface({ input: child.stdout })) {
    if (next === "rows") {
      rows = JSON.parse(line) as TraceCostRow[];
      next = "progress";
    } else if (line === ROWS_MARKER) next = "rows";
    else options.log(line);
  }
  const code = await exited;
  if (code !== 0 || rows === undefined) {
    throw new Error(`bench/trace-cost.ts in its own process exited with ${code}${rows ? "" : ", no rows"}`);
  }
  return rows;
}

// `npx tsx bench/trace-cost.ts [--json]` (make bench-trace): measure and print the table alone
// (with --json, the rows too, for measureTraceCostInFreshProcess).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  const durationSeconds = Number(process.env.BENCH_SECONDS ?? TRACE_PAIR_SECONDS);
  const runs = Number(process.env.BENCH_RUNS ?? TRACE_PAIRS);
  log(
    `trace cost: trace on vs off, ${runs} alternating runs × ${durationSeconds} s, ${connections} connections`,
  );
  const rows = await measureTraceCost({ connections, durationSeconds, runs, log });
  const worst = Math.max(...rows.map((row) => row.costPercent));
  const worstCpu = Math.max(...rows.map((row) => row.cpuCostPercent));
  const worstPaired = Math.max(...rows.map((row) => row.pairedLatencyCostPercent));
  log(
    `${worst <= TRACE_COST_BUDGET_PERCENT ? "met " : "MISS"} trace cost ≤ ${TRACE_COST_BUDGET_PERCENT} %: ` +
      `worst ${worst} % throughput, ${worstCpu} % CPU per request, ${worstPaired} % paired p50 latency`,
  );
  if (process.argv.includes("--json")) log(`${ROWS_MARKER}\n${JSON.stringify(rows)}`);
  // The shared DynamoDB Local's JVM and the load generator's workers would keep the process alive.
  process.exit(0);
}
