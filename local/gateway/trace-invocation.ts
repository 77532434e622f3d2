/**
 * Tracing Lambda invocations: each one's function, duration and outcome (error type and message,
 * crash or timeout message) for the request's decision trace.
 */
import { performance } from "node:perf_hooks";
import { functionName, type InvocationTrace } from "./trace.js";
import type { LambdaInvoker, LambdaOutcome } from "./types.js";

/**
 * The trace of one invocation's outcome.
 */
export function invocationTrace(
  functionArn: string,
  durationMs: number,
  outcome: LambdaOutcome,
): InvocationTrace {
  const trace: InvocationTrace = { function: functionName(functionArn), durationMs, outcome: outcome.kind };
  if (outcome.kind === "error") {
    trace.errorType = outcome.errorType;
    trace.errorMessage = outcome.errorMessage;
    if (outcome.initFailed) trace.initFailed = true;
  } else if (outcome.kind === "crash") {
    trace.errorMessage = outcome.message;
  }
  if (outcome.logs) {
    trace.logs = outcome.logs;
    const refusal = refusalIn(outcome.logs);
    if (refusal) trace.refusal = refusal;
  }
  return trace;
}

/**
 * An invoker that records each invocation (function, duration, outcome) into `into.invocation`.
 */
export function tracingInvoker(lambda: LambdaInvoker, into: { invocation?: InvocationTrace }): LambdaInvoker {
  return {
    async invoke(functionArn, event, options) {
      const started = performance.now();
      const outcome = await lambda.invoke(functionArn, event, options);
      into.invocation = invocationTrace(functionArn, Math.round(performance.now() - started), outcome);
      return outcome;
    },
  };
}

/**
 * The reason an authorizer gave for refusing, from its structured `refused` log line (the project's
 * authorizers log `{"message":"refused","reason":"unknown token",...}`), or undefined.
 */
function refusalIn(logs: readonly string[]): string | undefined {
  for (const line of logs) {
    const start = line.indexOf("{");
    if (start < 0 || !line.includes('"refused"')) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as { message?: unknown; reason?: unknown };
      if (entry.message === "refused" && typeof entry.reason === "string") return entry.reason;
    } catch {
      // Not a JSON log line.
    }
  }
  return undefined;
}
