/**
 * What the local gateway adds to a request at p50, sequentially: a cached GET through the gateway
 * against its parts, each timed in microseconds — a bare `node:http` round trip, the user function's
 * bundle called in this process (its GetItem on the same embedded DynamoDB included), the same call
 * in the function's worker thread (the local Lambda runtime, through the gate in that worker), and a
 * call that fails before reading DynamoDB (the hand-over to the worker and back alone).
 *
 * The calls are interleaved, one of each per round: DynamoDB Local's JVM and the machine drift by
 * tenths of a millisecond over a minute, so figures taken one after another would subtract a slow
 * minute from a fast one (measured so, the overhead read 1.9 ms; interleaved, under 0.7 ms).
 */
import type { LocalApi } from "../local/index.js";
import { invokeUserGet, type UserHandler, userGetEvent } from "./fair-ceiling.js";
import { keepAliveCaller, type RequestSpec } from "./http-load.js";
import { median, round } from "./lib/stats.js";

/** How the gateway's overhead was measured (all p50, sequential calls, interleaved). */
export interface GatewayOverhead {
  gatewayP50Ms: number;
  bareP50Ms: number;
  handlerP50Ms: number;
  /** gateway − bare − handler: what the gateway adds besides the HTTP round trip and the function's work. */
  overheadP50Ms: number;
  /** The same call of the user function in its worker thread, as the gateway runs it (its gate in that worker). */
  workerHandlerP50Ms: number;
  /** A call of the user function in its worker that fails before any DynamoDB read: the hand-over alone. */
  workerHandOverP50Ms: number;
}

/** Rounds of one call each, after {@link UNMEASURED_ROUNDS} that warm connections and workers. */
const ROUNDS = 2000;
const UNMEASURED_ROUNDS = 50;

/**
 * Measures the overhead of `gateway` (a cached GET of `userId`) against `bare` (the same GET of the
 * bare server), `handler` (the user function in this process) and the function in `api`'s worker.
 * Throws if any call does not answer as a working run does (the GET's status, the function's result).
 *
 * @example
 * ```ts
 * import type { LocalApi } from "../local/index.js";
 * import type { UserHandler } from "./fair-ceiling.js";
 * import type { RequestSpec } from "./http-load.js";
 *
 * declare const api: LocalApi, handler: UserHandler, gateway: RequestSpec, bare: RequestSpec;
 * const { overheadP50Ms } = await measureGatewayOverhead({ api, handler, gateway, bare, userId: "bench" });
 * ```
 */
export async function measureGatewayOverhead(options: {
  api: LocalApi;
  handler: UserHandler;
  gateway: RequestSpec;
  bare: RequestSpec;
  userId: string;
  /** Measured rounds (default 2,000). */
  rounds?: number;
}): Promise<GatewayOverhead> {
  const rounds = options.rounds ?? ROUNDS;
  const gateway = keepAliveCaller(options.gateway);
  const bare = keepAliveCaller(options.bare);
  const calls = {
    gateway: gateway.call,
    bare: bare.call,
    handler: () => options.handler(userGetEvent(options.userId), {}),
    workerHandler: () => invokeUserGet(options.api, options.userId, "result"),
    // An empty id fails the function's validation before any DynamoDB read.
    workerHandOver: () => invokeUserGet(options.api, "", "error"),
  };
  const samples = Object.fromEntries(Object.keys(calls).map((name) => [name, [] as number[]])) as Record<
    keyof typeof calls,
    number[]
  >;
  try {
    for (let round = 0; round < UNMEASURED_ROUNDS + rounds; round++) {
      for (const [name, call] of Object.entries(calls) as [keyof typeof calls, () => Promise<unknown>][]) {
        const started = process.hrtime.bigint();
        await call();
        if (round >= UNMEASURED_ROUNDS) samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  } finally {
    gateway.close();
    bare.close();
  }
  const p50 = (name: keyof typeof calls) => round(median(samples[name]), 3);
  return {
    gatewayP50Ms: p50("gateway"),
    bareP50Ms: p50("bare"),
    handlerP50Ms: p50("handler"),
    overheadP50Ms: round(p50("gateway") - p50("bare") - p50("handler"), 3),
    workerHandlerP50Ms: p50("workerHandler"),
    workerHandOverP50Ms: p50("workerHandOver"),
  };
}
