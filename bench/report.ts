/**
 * The benchmark's results as a Markdown report: the throughput table with ratios, the gateway
 * overhead, authorizer economy, cold-start proxies, in-process authorizer speed, and every target
 * figure against what was measured (with the reason wherever a target is missed).
 */
import type { AuthorizerDecisionsResult } from "./authorizer-decisions.js";
import type { EconomyRow } from "./authorizer-economy.js";
import type { ColdStartResult } from "./cold-start.js";
import type { GateCostResult } from "./gate-cost.js";
import { LEAD_IN_SECONDS } from "./http-load.js";
import type { InvocationFigures } from "./invocation-concurrency.js";
import { ROUTES, type ThroughputCell, type ThroughputResult } from "./throughput.js";
import type { TraceCostRow } from "./trace-cost.js";

/** Everything one `make bench` run measured. */
export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage: number[] };
  settings: { connections: number[]; durationSeconds: number; runs: number };
  throughput: ThroughputResult;
  economy: EconomyRow[];
  coldStart: ColdStartResult[];
  authorizer: AuthorizerDecisionsResult;
  /** The decision trace on vs off (bench/trace-cost.ts); absent from partial runs. */
  traceCost?: TraceCostRow[];
  /** The local DynamoDB gate's cost per DynamoDB call (gate on vs off); absent from partial runs. */
  gate?: GateCostResult;
  targets: TargetCheck[];
}

/** One target figure from the issue against the measurement. */
export type TargetCheck = { name: string; target: string; measured: string } & (
  | { met: true }
  /** `why`: the reason, in terms of the run's own figures. */
  | { met: false; why: string }
);

/**
 * The cell for a target, route and concurrency, if measured.
 */
export function cellOf(
  cells: ThroughputCell[],
  target: string,
  route: string,
  connections: number,
): ThroughputCell | undefined {
  return cells.find((c) => c.target === target && c.route === route && c.connections === connections);
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? "—" : `${(a / b).toFixed(2)}×`;

/**
 * Renders the Markdown report.
 */
export function renderMarkdown(results: BenchResults): string {
  const { throughput, settings } = results;
  const lines: string[] = [
    "# Benchmark results",
    "",
    `Run ${results.startedAt} in ${results.durationSeconds} s on Node.js ${results.machine.node}, ` +
      `${results.machine.cpus} CPU(s) (${results.machine.cpuModel}), load average at start ` +
      `${results.machine.loadAverage.map((n) => n.toFixed(2)).join(" / ")}. Figures are medians of ` +
      `${settings.runs} runs of ${settings.durationSeconds} s (autocannon in a worker thread); ` +
      "latencies in ms (autocannon rounds to whole ms).",
    "",
    "## Throughput and latency",
    "",
    "Local gateway: on DynamoDB Local (the default embedded DynamoDB); on dynalite: the fallback without Java.",
    "",
    ...renderThroughputTable(throughput, settings.connections),
  ];
  const o = throughput.overhead;
  lines.push(
    "",
    "## Gateway overhead (p50)",
    "",
    "Sequential cached GETs over one keep-alive connection, timed in microseconds and interleaved with " +
      "the calls they are compared with (one of each per round, 2,000 rounds), so that drift falls on all alike: " +
      "overhead = gateway p50 − bare-server p50 (the HTTP round trip) − the user function's own p50 " +
      "(its bundle called in process, GetItem on the same embedded DynamoDB included). The same call " +
      "in the function's worker thread (the local Lambda runtime, its own key through the gate in that " +
      "worker) and a call that " +
      "fails before reading DynamoDB (the hand-over to the worker and back alone) show where it goes.",
    "",
    "| Gateway p50 | Bare server p50 | Handler p50 | Overhead p50 | Handler in its worker p50 | Hand-over p50 |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${o.gatewayP50Ms} ms | ${o.bareP50Ms} ms | ${o.handlerP50Ms} ms | **${o.overheadP50Ms} ms** | ` +
      `${o.workerHandlerP50Ms} ms | ${o.workerHandOverP50Ms} ms |`,
    "",
    ...renderInvocations(throughput.invocations ?? []),
    ...renderGateCost(results.gate),
    "## Authorizer economy (1,000 requests by one token, PUT /user and GET /user/{id} alternating)",
    "",
    "| Design | TTL | GetItem calls | per 1,000 requests | Wrong 403s | Other failures |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...results.economy.map(
      (r) =>
        `| ${r.design} | ${r.ttlSeconds} s | ${r.getItemCalls} | ${r.getItemPer1000} | ${r.wrong403s} | ${r.otherFailures} |`,
    ),
    "",
    "## Decision trace on vs off (budget ≤ 5 %)",
    "",
    "Two local APIs in a fresh process of their own (as `make start` is one; the bench's own process by then holds its earlier phases' heap), one tracing every request into the inspector's ring as `make start` does, one with the trace off, loaded alternately (on then off, off then on, …). Each cost is the median over those back-to-back pairs of the pair's difference; On and Off req/s are each side's median.",
    "",
    "| Route | Connections | On req/s | Off req/s | Throughput cost | CPU/request cost | Paired p50 latency cost |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...(results.traceCost ?? []).map(
      (r) =>
        `| ${r.route} | ${r.connections} | ${r.on.requestsPerSecond} | ${r.off.requestsPerSecond} | ${r.costPercent} % | ${r.cpuCostPercent} % | ${r.pairedLatencyCostPercent} % |`,
    ),
    "",
    "## Cold-start proxies",
    "",
    "| Function | Zip | Bundle | Module load (median, fresh process) |",
    "| --- | ---: | ---: | ---: |",
    ...results.coldStart.map(
      (c) =>
        `| ${c.logicalId} | ${(c.zipBytes / 1024).toFixed(1)} KB | ${(c.bundleBytes / 1024).toFixed(1)} KB | ${c.moduleLoadMs} ms |`,
    ),
    "",
    "## Authorizer in process",
    "",
    `${results.authorizer.decisionsPerSecond.toLocaleString("en-US")} decisions/s (median of ` +
      `${results.authorizer.runs.length} runs; DynamoDB stubbed with aws-sdk-client-mock, ` +
      `${results.authorizer.getItemCalls.toLocaleString("en-US")} GetItem calls made).`,
    "",
    "## Targets",
    "",
    "| Target | Goal | Measured | Met |",
    "| --- | --- | --- | --- |",
    ...results.targets.map(
      (t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`,
    ),
  );
  const missed = results.targets.flatMap((t) => (t.met ? [] : [t]));
  if (missed.length > 0) {
    lines.push("", "### Why targets are missed", "");
    for (const t of missed) lines.push(`- **${t.name}**: ${t.why}`);
  }
  lines.push("", "![Requests per second](results.png)", "");
  return lines.join("\n");
}

/**
 * The throughput table (every target, route and concurrency, with the ratios) and its notes, as
 * Markdown lines; `npx tsx bench/run.ts --only throughput` prints it alone.
 */
export function renderThroughputTable(throughput: ThroughputResult, connectionCounts: number[]): string[] {
  const lines: string[] = [
    "| Route | Connections | Local gateway req/s | p50 / p99 | on dynalite req/s | p50 / p99 | serverless-offline req/s | p50 / p99 | fair ceiling req/s | p50 / p99 | bare node:http req/s | Local ÷ offline | Local ÷ fair ceiling | Local ÷ bare |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const route of ROUTES) {
    for (const connections of connectionCounts) {
      const local = cellOf(throughput.cells, "local gateway", route, connections);
      const dynalite = cellOf(throughput.cells, "local gateway on dynalite", route, connections);
      const peer = cellOf(throughput.cells, "serverless-offline", route, connections);
      const fair = cellOf(throughput.cells, "fair ceiling", route, connections);
      const bare = cellOf(throughput.cells, "bare node:http", route, connections);
      const rps = (c: ThroughputCell | undefined) =>
        c === undefined ? "—" : `${c.requestsPerSecond}${c.errors > 0 ? ` (${c.errors} errors)` : ""}`;
      const latency = (c: ThroughputCell | undefined) => (c === undefined ? "—" : `${c.p50Ms} / ${c.p99Ms}`);
      lines.push(
        `| ${route} | ${connections} | ${rps(local)} | ${latency(local)} | ${rps(dynalite)} | ${latency(dynalite)} | ` +
          `${rps(peer)} | ${latency(peer)} | ` +
          `${rps(fair)} | ${latency(fair)} | ${rps(bare)} | ` +
          `${ratio(local?.requestsPerSecond, peer?.requestsPerSecond)} | ` +
          `${ratio(local?.requestsPerSecond, fair?.requestsPerSecond)} | ` +
          `${ratio(local?.requestsPerSecond, bare?.requestsPerSecond)} |`,
      );
    }
  }
  lines.push(
    "",
    "The fair ceiling is a `node:http` server doing the same work in process: the user function's " +
      "bundle called directly (its GetItem or UpdateItem on the same embedded DynamoDB), no authorizer, " +
      "mapping templates, validation or worker thread. Local ÷ fair ceiling is what the gateway costs; " +
      "the bare server (a constant body) measures HTTP alone. Every target is first loaded until its " +
      "throughput stops rising (V8 in each worker and DynamoDB Local's JVM compile hot code over tens of " +
      "seconds); the local gateway and the fair ceiling are then loaded turn about, run by run, so that " +
      `drift falls on both alike, each run after ${LEAD_IN_SECONDS} s of unmeasured load at its own concurrency (a side ` +
      "that sat idle while the other ran is slower for its first seconds back).",
  );
  if (throughput.peerError) lines.push("", `serverless-offline could not be run: ${throughput.peerError}`);
  return lines;
}

/** The gate-cost section (empty when the run did not measure it). */
function renderGateCost(gate: GateCostResult | undefined): string[] {
  if (gate === undefined) return [];
  return [
    `## DynamoDB gate cost per call (${gate.backend}, ${gate.calls} GetItems per mode)`,
    "",
    "The UserFunction's GetItem through its own IAM gate as its worker runs it (reached through memory; " +
      "SigV4 check, its role's policy evaluated, the call forwarded) against the same call straight to the DynamoDB; sequential p50/p99, and calls " +
      "per second with 16 in flight.",
    "",
    "| Mode | p50 | p99 | calls/s at 16 in flight |",
    "| --- | ---: | ---: | ---: |",
    `| gate off | ${gate.direct.p50Ms} ms | ${gate.direct.p99Ms} ms | ${gate.direct.callsPerSecond16} |`,
    `| gate on | ${gate.gate.p50Ms} ms | ${gate.gate.p99Ms} ms | ${gate.gate.callsPerSecond16} |`,
    `| **added by the gate** | **${gate.addedP50Ms} ms** | | |`,
    "",
  ];
}

/** The function called as the gateway calls it and as the fair ceiling does, 1 and 16 in flight. */
function renderInvocations(figures: readonly InvocationFigures[]): string[] {
  if (figures.length === 0) return [];
  return [
    "## The user function: local Lambda runtime vs in process",
    "",
    "The same GET of the user function, through the local Lambda runtime (worker threads, each running one invocation at a time, as Lambda's environments do) and called in process as the fair ceiling calls it (concurrently in one thread, which no Lambda environment does). CPU is this process's, every thread included, per call; windows of each mode alternate.",
    "",
    "| Mode | In flight | Calls/s | CPU per call |",
    "| --- | ---: | ---: | ---: |",
    ...figures.map((f) => `| ${f.mode} | ${f.inFlight} | ${f.callsPerSecond} | ${f.cpuMicrosPerCall} µs |`),
    "",
  ];
}
