/**
 * Calling a Lambda integration within the integration timeout (TimeoutInMillis, default 29 s):
 * past it API Gateway answers 504 whether or not the function is still running.
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
  const timeout = new Promise<CallOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "integration-timeout" }), timeoutMs);
  });
  const call = lambda.invoke(functionArn, event).catch(
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
