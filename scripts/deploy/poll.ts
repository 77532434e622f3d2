/**
 * How the deploy commands wait on CloudFormation: a fixed interval and a bound on the number of
 * polls. Tests pass a sleep that returns at once, so no test waits on a clock.
 */
import { setTimeout as delay } from "node:timers/promises";

/** How a waiting loop polls. */
export interface PollOptions {
  sleep: (ms: number) => Promise<void>;
  intervalMs: number;
  /** Give up after this many polls. */
  maxPolls: number;
}

/**
 * Polling for real AWS: every `intervalMs` (default 3 s), for up to `minutes` (default 60, longer
 * than any create of this stack; CloudFormation itself times resources out before that).
 *
 * @example
 * ```ts
 * await followStack(cloudformation, stackId, marker, console.log, realTimePoll());
 * ```
 */
export function realTimePoll(intervalMs = 3000, minutes = 60): PollOptions {
  return {
    sleep: (ms) => delay(ms),
    intervalMs,
    maxPolls: Math.ceil((minutes * 60_000) / intervalMs),
  };
}
