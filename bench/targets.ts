/**
 * The target figures checked against a run's measurements. Each miss says why in terms of
 * the same run's figures (which cell fell short and by how much, what the time went to), so the
 * explanation cannot go stale or claim what the run did not show.
 */

import type { InvocationFigures } from "./invocation-concurrency.js";
import { round } from "./lib/stats.js";
import { type BenchResults, cellOf, type TargetCheck } from "./report.js";
import { ROUTES } from "./throughput.js";
import { TRACE_COST_BUDGET_PERCENT } from "./trace-cost.js";

const GET = "GET /user/{id} (cached authorizer)";
const KB = 1024;
const OVERHEAD_TARGET_MS = 1;

/** A check before its verdict: `why` is only worked out (from the figures) when it is missed. */
interface Check {
  name: string;
  target: string;
  measured: string;
  met: boolean;
  why: () => string;
}

/** One measured ratio (local ÷ another target) for a route and concurrency. */
interface Ratio {
  label: string;
  local: number | undefined;
  other: number | undefined;
  ratio: number | undefined;
}

const times = (r: number | undefined) => (r === undefined ? "—" : `${r.toFixed(2)}×`);
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

/** The ratios below `floor`, each with both figures: "GET /user/{id} c=16: 812 vs 1,200 req/s (0.68×)". */
function shortfalls(ratios: Ratio[], other: string, floor: number): string {
  return ratios
    .filter(({ ratio }) => ratio === undefined || ratio < floor)
    .map(({ label, local, other: theirs, ratio }) =>
      ratio === undefined
        ? `${label}: not measured`
        : `${label}: ${local} req/s against ${theirs} req/s for ${other} (${times(ratio)})`,
    )
    .join("; ");
}

/**
 * Checks every target figure.
 */
export function targetChecks(results: Omit<BenchResults, "targets">): TargetCheck[] {
  const { throughput, settings, machine } = results;
  const ratiosTo = (other: string, routes: readonly string[], connections: number[]): Ratio[] =>
    routes.flatMap((route) =>
      connections.map((c) => {
        const local = cellOf(throughput.cells, "local gateway", route, c)?.requestsPerSecond;
        const theirs = cellOf(throughput.cells, other, route, c)?.requestsPerSecond;
        return {
          label: `${route.split(" (")[0]} c=${c}`,
          local,
          other: theirs,
          ratio: local !== undefined && theirs ? local / theirs : undefined,
        };
      }),
    );
  const list = (ratios: Ratio[]) => ratios.map(({ label, ratio }) => `${label}: ${times(ratio)}`).join(", ");
  const peerRatios = ratiosTo("serverless-offline", [GET], settings.connections);
  const fairRatios = ratiosTo(
    "fair ceiling",
    ROUTES,
    [1, 16].filter((c) => settings.connections.includes(c)),
  );
  const bareRatios = ratiosTo("bare node:http", [GET], settings.connections);
  const o = throughput.overhead;
  const overheadMet = o.overheadP50Ms < OVERHEAD_TARGET_MS;
  const overheadVerdict = overheadMet
    ? `within the < ${OVERHEAD_TARGET_MS} ms overhead target`
    : `over the < ${OVERHEAD_TARGET_MS} ms overhead target`;
  const latencySplit =
    `of the gateway's ${o.gatewayP50Ms} ms at p50 (sequential requests), the user function takes ` +
    `${o.handlerP50Ms} ms (its GetItem on the embedded DynamoDB) and a bare round trip ${o.bareP50Ms} ms; ` +
    `the gateway's own work is the remaining ${o.overheadP50Ms} ms`;
  // Where the overhead goes: the function in its worker thread (same call, through the gate in that
  // worker) against in process, and the gateway's own steps (authorizer cache, routing, templates,
  // validation).
  const threadCost = round(o.workerHandlerP50Ms - o.handlerP50Ms, 3);
  const threadShare =
    threadCost > 2 * o.workerHandOverP50Ms
      ? `, although handing a call over and back alone takes ${o.workerHandOverP50Ms} ms (a call that ` +
        "fails before reading DynamoDB), so the function's DynamoDB call from its worker pays most of it"
      : `, about the hand-over to the worker and back (${o.workerHandOverP50Ms} ms, a call that fails ` +
        "before reading DynamoDB)";
  const overheadSplit =
    `Sequentially the gateway adds ${o.overheadP50Ms} ms per request at p50 (${overheadVerdict}): ` +
    `the user function's GET takes ${o.workerHandlerP50Ms} ms in its worker thread against ` +
    `${o.handlerP50Ms} ms in process, ${threadCost} ms more${threadShare}; the gateway's own steps ` +
    "(the cached-authorizer lookup, routing, the VTL templates, validation) take the remaining " +
    `${round(o.overheadP50Ms - threadCost, 3)} ms`;
  const invocationSplit = describeInvocations(throughput.invocations ?? []);
  const load = `load average ${machine.loadAverage.map((n) => n.toFixed(2)).join(" / ")} on ${machine.cpus} CPU(s)`;
  const authorizer = results.coldStart.find((c) => c.logicalId === "AuthorizerFunction");
  const ours = results.economy[0];
  const traceRows = results.traceCost ?? [];
  const checks: Check[] = [
    {
      name: "Local ÷ serverless-offline, cached GET",
      target: "≥ 3× at every concurrency",
      measured: list(peerRatios),
      met: peerRatios.every((r) => r.ratio !== undefined && r.ratio >= 3),
      why: () =>
        throughput.peerError
          ? `serverless-offline could not be run: ${throughput.peerError.split("\n")[0]}`
          : `below 3× at ${shortfalls(peerRatios, "serverless-offline", 3)}`,
    },
    {
      name: "Local ÷ bare node:http, cached GET",
      target: "≥ 0.5× at every concurrency",
      measured: list(bareRatios),
      met: bareRatios.every((r) => r.ratio !== undefined && r.ratio >= 0.5),
      why: () =>
        `below 0.5× at ${shortfalls(bareRatios, "the bare server", 0.5)}. The bare server writes a ` +
        `constant body; ${latencySplit} (${overheadVerdict}), so ` +
        (o.handlerP50Ms >= o.overheadP50Ms
          ? "the function's DynamoDB read is the larger share"
          : "the gateway's own work is the larger share") +
        `. The fair ceiling (the same function in process) is the comparison that isolates the gateway.`,
    },
    {
      name: "Local ÷ fair ceiling (the user function in process)",
      target: "≥ 0.7× at 1 and 16 connections, both routes",
      measured: list(fairRatios),
      met: fairRatios.length > 0 && fairRatios.every((r) => r.ratio !== undefined && r.ratio >= 0.7),
      why: () =>
        `below 0.7× at ${shortfalls(fairRatios, "the fair ceiling", 0.7)}. ${overheadSplit}.${invocationSplit}`,
    },
    {
      name: "Gateway overhead p50",
      target: `< ${OVERHEAD_TARGET_MS} ms`,
      measured: `${o.overheadP50Ms} ms`,
      met: overheadMet,
      why: () =>
        `${latencySplit}, ${round(o.overheadP50Ms - OVERHEAD_TARGET_MS, 3)} ms over the target ` +
        `(measured with ${load} at the start of the run). ${overheadSplit}`,
    },
    {
      name: "Authorizer zip",
      target: "≤ 200 KB",
      measured: authorizer ? kb(authorizer.zipBytes) : "not measured",
      met: authorizer !== undefined && authorizer.zipBytes <= 200 * KB,
      why: () =>
        authorizer
          ? `the zip is ${kb(authorizer.zipBytes - 200 * KB)} over 200 KB; the bundle inside is ` +
            `${kb(authorizer.bundleBytes)} before compression`
          : "the run measured no AuthorizerFunction (a partial run, or the template has none)",
    },
    {
      name: "Authorizer module load",
      target: "≤ 50 ms",
      measured: authorizer ? `${authorizer.moduleLoadMs} ms` : "not measured",
      met: authorizer !== undefined && authorizer.moduleLoadMs <= 50,
      why: () =>
        authorizer
          ? `the median of ${authorizer.moduleLoadRunsMs.length} fresh-process imports of the ` +
            `${kb(authorizer.bundleBytes)} bundle is ${authorizer.moduleLoadMs} ms (fastest ` +
            `${Math.min(...authorizer.moduleLoadRunsMs)} ms), ${load} at the start of the run`
          : "the run measured no AuthorizerFunction (a partial run, or the template has none)",
    },
    {
      name: "Decision trace cost (trace on vs off)",
      target: `≤ ${TRACE_COST_BUDGET_PERCENT} % throughput`,
      measured: traceRows
        .map((r) => `${r.route}: ${r.costPercent} % throughput, ${r.pairedLatencyCostPercent} % paired p50`)
        .join("; "),
      met: traceRows.length > 0 && traceRows.every((r) => r.costPercent <= TRACE_COST_BUDGET_PERCENT),
      why: () =>
        traceRows.length === 0
          ? "not measured in this run"
          : traceRows
              .filter((r) => r.costPercent > TRACE_COST_BUDGET_PERCENT)
              .map(
                (r) =>
                  `${r.route}: ${r.on.requestsPerSecond} req/s with the trace against ` +
                  `${r.off.requestsPerSecond} without (${r.costPercent} %); ` +
                  (r.cpuCostPercent > TRACE_COST_BUDGET_PERCENT
                    ? `CPU per request is ${r.cpuCostPercent} % higher with the trace on, so the ` +
                      "trace's own work accounts for it"
                    : `CPU per request differs by only ${r.cpuCostPercent} %, so the trace's own work ` +
                      `does not account for the gap: the runs saw different machine load (${load} at the start)`),
              )
              .join("; "),
    },
    {
      name: "GetItem per 1,000 requests, one token, one TTL window",
      target: "exactly 1, no wrong 403",
      measured: ours ? `${ours.getItemPer1000} GetItem, ${ours.wrong403s} wrong 403s` : "not measured",
      met:
        ours !== undefined && ours.getItemPer1000 === 1 && ours.wrong403s === 0 && ours.otherFailures === 0,
      why: () => (ours ? economyWhy(ours) : "not measured in this run"),
    },
  ];
  return checks.map(
    ({ why, ...check }): TargetCheck =>
      check.met ? { ...check, met: true } : { ...check, met: false, why: why() },
  );
}

function economyWhy(row: NonNullable<BenchResults["economy"][number]>): string {
  const reasons: string[] = [];
  if (row.getItemPer1000 !== 1) {
    reasons.push(
      `the authorizer read the token table ${row.getItemCalls} times in ${row.requests} requests ` +
        `(${row.getItemPer1000} per 1,000) where one read per TTL window (${row.ttlSeconds} s) is the target`,
    );
  }
  if (row.wrong403s > 0) reasons.push(`${row.wrong403s} requests the token's scopes allow were answered 403`);
  if (row.otherFailures > 0) {
    reasons.push(`${row.otherFailures} answers were neither the expected success nor 403`);
  }
  return `${row.design}: ${reasons.join("; ")}`;
}

/**
 * The user function's CPU per call through the local Lambda runtime against in process, one and 16
 * in flight, and whether the gap grows with load (empty without both figures at both).
 */
function describeInvocations(figures: readonly InvocationFigures[]): string {
  const cpu = (mode: InvocationFigures["mode"], inFlight: number) =>
    figures.find((f) => f.mode === mode && f.inFlight === inFlight)?.cpuMicrosPerCall;
  const [runtime1, process1, runtime16, process16] = [
    cpu("local Lambda runtime", 1),
    cpu("in process", 1),
    cpu("local Lambda runtime", 16),
    cpu("in process", 16),
  ];
  if (!runtime1 || !process1 || !runtime16 || !process16) return "";
  const grows = runtime16 / process16 > 1.2 * (runtime1 / process1);
  return (
    ` The function itself, through the local Lambda runtime against in process: ${runtime1} against ` +
    `${process1} µs of CPU per call one at a time, ${runtime16} against ${process16} µs with 16 in flight` +
    (grows
      ? ": the gap grows with load, because each environment runs one invocation at a time, as on " +
        "Lambda, and pays every wake-up per call, while the fair ceiling's 16 concurrent calls share one busy thread."
      : ".")
  );
}
