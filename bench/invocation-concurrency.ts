/**
 * Why the fair ceiling pulls ahead under load: the same GET of the user function, called as the
 * gateway calls it — through the local Lambda runtime, whose environments (worker threads) each run
 * one invocation at a time, as Lambda's do — and called as the fair ceiling calls it, concurrently in
 * one thread, which no Lambda environment does. One at a time both pay every wake-up of every hop
 * (thread, DynamoDB Local's JVM); with 16 in flight one busy thread pays them once for many calls,
 * while each environment still pays them per invocation. The figure is this process's CPU time per
 * call (every thread: the workers' included), so it counts the wake-ups wherever they fall.
 */
import type { LocalApi } from "../local/index.js";
import { invokeUserGet, type UserHandler, userGetEvent } from "./fair-ceiling.js";
import { median, round } from "./lib/stats.js";

/** One way of calling the function, at one concurrency. */
export interface InvocationFigures {
  mode: "local Lambda runtime" | "in process";
  inFlight: number;
  callsPerSecond: number;
  /** CPU time of this process (all its threads) per call, in µs. */
  cpuMicrosPerCall: number;
}

/**
 * Calls the user function's GET of `userId` with `inFlight` calls outstanding, for `windowMs` per
 * window, alternating the two modes (a b, b a, …) over `windows` windows each after one unmeasured
 * window of each; returns each mode's median window per concurrency.
 *
 * @example
 * ```ts
 * import type { LocalApi } from "../local/index.js";
 * import type { UserHandler } from "./fair-ceiling.js";
 *
 * declare const api: LocalApi, handler: UserHandler;
 * const figures = await measureInvocationConcurrency({ api, handler, userId: "bench", inFlight: [1, 16] });
 * ```
 */
export async function measureInvocationConcurrency(options: {
  api: LocalApi;
  handler: UserHandler;
  userId: string;
  inFlight: number[];
  windowMs?: number;
  windows?: number;
}): Promise<InvocationFigures[]> {
  const { windowMs = 2000, windows = 3 } = options;
  const modes: Record<InvocationFigures["mode"], () => Promise<unknown>> = {
    "local Lambda runtime": () => invokeUserGet(options.api, options.userId, "result"),
    "in process": () => options.handler(userGetEvent(options.userId), {}),
  };
  const figures: InvocationFigures[] = [];
  for (const inFlight of options.inFlight) {
    const runs = new Map<InvocationFigures["mode"], { callsPerSecond: number; cpu: number }[]>();
    const names = Object.keys(modes) as InvocationFigures["mode"][];
    for (let window = -1; window < windows; window++) {
      for (const mode of window % 2 === 0 ? names : [...names].reverse()) {
        const measured = await loadWindow(modes[mode], inFlight, windowMs);
        if (window >= 0) runs.set(mode, [...(runs.get(mode) ?? []), measured]);
      }
    }
    for (const [mode, measured] of runs) {
      figures.push({
        mode,
        inFlight,
        callsPerSecond: round(median(measured.map((run) => run.callsPerSecond)), 0),
        cpuMicrosPerCall: round(median(measured.map((run) => run.cpu)), 0),
      });
    }
  }
  return figures;
}

async function loadWindow(
  call: () => Promise<unknown>,
  inFlight: number,
  windowMs: number,
): Promise<{ callsPerSecond: number; cpu: number }> {
  let calls = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() - started < windowMs) {
        await call();
        calls++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - started;
  return { callsPerSecond: (calls * 1000) / elapsedMs, cpu: (cpu.user + cpu.system) / calls };
}
