/**
 * HTTP measurements: throughput and latency under load (autocannon), precise sequential latency
 * (one request at a time, microsecond timer), and the bare `node:http` server that is the ceiling.
 */
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { median, percentile, round } from "./lib/stats.js";

/** One request shape to measure. */
export interface RequestSpec {
  method: "GET" | "PUT";
  /** Full URL. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The status every answer must have (anything else is counted as an error). */
  expectStatus: number;
}

/** Figures of one load run (or the median of several). */
export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers with another status than expected, plus connection errors and timeouts. */
  errors: number;
}

/**
 * Runs autocannon `runs` times for `durationSeconds` at `connections` and returns the median of each
 * figure (errors summed). With `leadInSeconds`, each run follows that long at the same load, unmeasured
 * (see {@link LEAD_IN_SECONDS}).
 */
export async function loadTest(
  spec: RequestSpec,
  options: { connections: number; durationSeconds: number; runs: number; leadInSeconds?: number },
): Promise<LoadFigures & { runs: LoadFigures[] }> {
  // The load generator runs in a worker thread, so it does not share the event loop of the servers
  // under test that live in this process (the local gateway, the bare server).
  const load = (duration: number) =>
    autocannon({
      url: spec.url,
      method: spec.method,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      connections: options.connections,
      duration,
      workers: 1,
    });
  const runs: LoadFigures[] = [];
  for (let i = 0; i < options.runs; i++) {
    if (options.leadInSeconds) await load(options.leadInSeconds);
    const result = await load(options.durationSeconds);
    const answered = Object.values(result.statusCodeStats ?? {}).reduce(
      (sum, stat) => sum + (stat.count ?? 0),
      0,
    );
    const unexpected = answered - (result.statusCodeStats?.[`${spec.expectStatus}`]?.count ?? 0);
    runs.push({
      requestsPerSecond: round(result.requests.average, 0),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: unexpected + result.errors + result.timeouts,
    });
  }
  return medianOfRuns(runs);
}

/**
 * The unmeasured load before each measured run of the throughput matrix. A target that sat idle while
 * another was measured, or ran at a lower concurrency with most of its worker threads idle, comes back
 * slower for seconds: here the local gateway's GET read 0.56–0.69× the fair ceiling at 16 connections
 * without a lead-in and 0.65–0.79× with 3 s of one, 0.69–0.72× and 0.76–0.88× at 1 connection (the
 * fair ceiling, one busy thread, is back at speed within a run either way). Every side gets the same
 * lead-in, so that no run measures a side still resuming from the other's turn.
 */
export const LEAD_IN_SECONDS = 3;

/** The median of each figure over `runs` (errors summed), with the runs themselves. */
export function medianOfRuns(runs: LoadFigures[]): LoadFigures & { runs: LoadFigures[] } {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    runs,
  };
}

/** When a warm-up stops: see {@link warmUntilSteady}. */
export interface WarmUpSettings {
  /** Length of each load window. */
  windowSeconds: number;
  /** A window beats the best so far only by more than this. */
  gainPercent: number;
  /** Warm after this many windows in a row that do not beat the best. */
  staleWindows: number;
  /** Warm enough after this long, whatever the trend. */
  maxSeconds: number;
}

export const WARM_UP: WarmUpSettings = { windowSeconds: 3, gainPercent: 5, staleWindows: 3, maxSeconds: 60 };

/**
 * Whether windows with these requests per second show a warm target: the last `staleWindows` did not
 * beat the best before them by more than `gainPercent`, or the windows add up to `maxSeconds`.
 */
export function isWarm(history: readonly number[], settings: WarmUpSettings = WARM_UP): boolean {
  if (history.length * settings.windowSeconds >= settings.maxSeconds) return true;
  if (history.length <= settings.staleWindows) return false;
  const before = Math.max(...history.slice(0, -settings.staleWindows));
  const recent = Math.max(...history.slice(-settings.staleWindows));
  return recent <= before * (1 + settings.gainPercent / 100);
}

/**
 * Loads `spec` at `connections` in windows until its throughput stops rising ({@link isWarm}) and
 * returns each window's requests per second. Each worker thread's V8 and DynamoDB Local's JVM compile
 * hot code only after seconds of load: here a cached GET through the gateway rose from 215 to 570
 * req/s over its first 40 s, so a short warm-up compares compilers warming, not servers.
 */
export async function warmUntilSteady(
  spec: RequestSpec,
  connections: number,
  settings: WarmUpSettings = WARM_UP,
): Promise<number[]> {
  const history: number[] = [];
  do {
    const figures = await loadTest(spec, { connections, durationSeconds: settings.windowSeconds, runs: 1 });
    history.push(figures.requestsPerSecond);
  } while (!isWarm(history, settings));
  return history;
}

/**
 * Sends `count` requests one after another over one keep-alive connection and returns the p50 and
 * p99 latency in milliseconds with microsecond resolution (autocannon rounds to whole ms).
 */
export async function sequentialLatency(
  spec: RequestSpec,
  count: number,
): Promise<{ p50Ms: number; p99Ms: number }> {
  const caller = keepAliveCaller(spec);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count + 50; i++) {
      const started = process.hrtime.bigint();
      await caller.call();
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (i >= 50) samples.push(elapsed); // the first 50 warm the connection and the workers
    }
  } finally {
    caller.close();
  }
  return { p50Ms: round(percentile(samples, 50), 3), p99Ms: round(percentile(samples, 99), 3) };
}

/**
 * One request of `spec` at a time over one keep-alive connection: `call` sends it and throws unless
 * it is answered with the expected status; `close` drops the connection.
 */
export function keepAliveCaller(spec: RequestSpec): { call(): Promise<void>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    call: async () => {
      const status = await send(spec, agent);
      if (status !== spec.expectStatus) throw new Error(`${spec.method} ${spec.url} answered ${status}`);
    },
    close: () => agent.destroy(),
  };
}

function send(spec: RequestSpec, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(spec.url, { method: spec.method, headers: spec.headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(spec.body);
  });
}

/** A running bare server. */
export interface BareServer {
  origin: string;
  stop(): Promise<void>;
}

/**
 * The ceiling: a bare `node:http` server that answers GET with `getBody` (200, JSON) and PUT with 204
 * after reading the body, doing nothing else.
 */
export async function startBareServer(getBody: string): Promise<BareServer> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "PUT") res.writeHead(204).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(getBody);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
