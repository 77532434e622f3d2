/**
 * Calling a Lambda function within a time limit (an integration's TimeoutInMillis, default 29 s; an
 * authorizer's function Timeout): past it the gateway stops waiting, and the invocation is stopped
 * too (its worker recycled) instead of running on for nobody.
 */
import type { LambdaInvoker, LambdaOutcome } from "./types.js";

/** A Lambda outcome, or `integration-timeout` when the gateway stopped waiting. */
export type CallOutcome = LambdaOutcome | { kind: "integration-timeout" };

/**
 * Invokes `functionArn`, giving up after `timeoutMs`. A rejected invoke (an invoker bug) counts as
 * a crash, so the gateway keeps serving.
 */
export async function callLambda(
  lambda: LambdaInvoker,
  functionArn: string,
  event: unknown,
  timeoutMs: number,
): Promise<CallOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const stop = new AbortController();
  const timeout = new Promise<CallOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: "integration-timeout" });
      stop.abort();
    }, timeoutMs);
  });
  const call = lambda.invoke(functionArn, event, { signal: stop.signal }).catch(
    (error: unknown): LambdaOutcome => ({
      kind: "crash",
      message: (error as Error)?.message ?? String(error),
    }),
  );
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
