/**
 * The decision trace of one request through the local gateway: what API Gateway decided at each
 * step and why — route, authorizer (identity, cache, invocation, policy statements, decision),
 * validation, integration, gateway response, status. It is what `make start` turns into a reason
 * line, what `LOG_LEVEL=debug` prints whole, and what the inspector shows.
 *
 * A trace never holds a token, a JWT or an `Authorization` value: identity values appear only as
 * SHA-256 digest prefixes (the same prefixes `token list` prints).
 */
import type { PolicyDecision } from "../../lib/iam/policy-evaluator.js";
import type { AuthorizerModel } from "./api-model-types.js";

/** The trace of one request. */
export interface RequestTrace {
  /** The response's `x-amzn-RequestId`. */
  requestId: string;
  method: string;
  /** The request path as sent, with the stage (`/v1/user/42`). */
  path: string;
  time: string;
  route?: RouteTrace;
  authorizer?: AuthorizerTrace;
  validation?: { passed: boolean; message?: string };
  integration?: IntegrationTrace;
  /** The gateway response that answered, when the gateway (not the integration) answered. */
  gatewayResponse?: { type: string; status: number; message: string | null };
  status: number;
  durationMs: number;
  /** The reason of a non-2xx in words (see trace-reason.ts). */
  reason?: string;
}

/** Which method the request selected, or why none did. */
export type RouteTrace =
  | { matched: true; resource: string; httpMethod: string }
  | { matched: false; why: string };

/** One identity source and the digest prefix of its value (never the value). */
export interface IdentityTrace {
  source: string;
  /** SHA-256 digest prefix of the value; absent when the value is missing or empty. */
  digest?: string;
}

/** One statement of the evaluated policy. */
export interface StatementTrace {
  index: number;
  sid?: string;
  effect: "Allow" | "Deny";
  /** Resource (or `NotResource: …`) patterns as written. */
  resources: string[];
  matched: boolean;
}

/** What the authorizer step did. */
export interface AuthorizerTrace {
  /** The authorizer's logical id in the template. */
  name: string;
  type: "TOKEN" | "REQUEST";
  ttlSeconds: number;
  identity: IdentityTrace[];
  /** The missing (or empty) identity source that answered 401 without calling the authorizer. */
  missingSource?: string;
  validationExpression?: { pattern: string; matched: boolean };
  /** Digest prefix of the cache key. */
  cacheKey?: string;
  /** `off` when the TTL is 0. */
  cache?: "hit" | "miss" | "off";
  /** Seconds the cached policy had left when it answered (hits only). */
  ttlSecondsLeft?: number;
  invocation?: InvocationTrace;
  principalId?: string;
  methodArn: string;
  statements?: StatementTrace[];
  decision?: PolicyDecision;
  /** Why the authorizer's result was not usable (500 AuthorizerConfigurationException). */
  invalidResult?: string;
  /** Why API Gateway may not invoke the authorizer's function (500, not invoked). */
  invokePermissionMissing?: string;
}

/** One Lambda invocation. */
export interface InvocationTrace {
  function: string;
  durationMs: number;
  /** `result`: it returned; `error`: it threw; `timeout`/`crash`: the runtime's own outcomes. */
  outcome: "result" | "error" | "timeout" | "crash" | "integration-timeout" | "throttled";
  errorType?: string;
  errorMessage?: string;
  /** The function's init (module load) failed: e.g. `Cannot find module`. */
  initFailed?: boolean;
  /** Why an authorizer refused, from its own `refused` log line (`unknown token`, `expired token`). */
  refusal?: string;
  /** What the function wrote to stdout/stderr during this invocation (its last lines). */
  logs?: string[];
}

/** What the integration step did. */
export interface IntegrationTrace {
  type: "AWS" | "AWS_PROXY" | "MOCK";
  invocation?: InvocationTrace;
  /** The integration response chosen (non-proxy): its SelectionPattern, or `default`. */
  selectionPattern?: string;
  /** Why a proxy function's response was not a valid proxy response (502). */
  invalidResponse?: string;
  /** Why API Gateway may not invoke the function (500, not invoked): the missing permission. */
  invokePermissionMissing?: string;
}

/**
 * The function name of a Lambda ARN (`arn:aws:lambda:r:a:function:name` → `name`).
 */
export function functionName(functionArn: string): string {
  const at = functionArn.indexOf(":function:");
  return at < 0 ? functionArn : functionArn.slice(at + ":function:".length);
}

/**
 * The trace of an authorizer step before it runs.
 */
export function newAuthorizerTrace(authorizer: AuthorizerModel, methodArn: string): AuthorizerTrace {
  return {
    name: authorizer.logicalId,
    type: authorizer.type,
    ttlSeconds: authorizer.ttlSeconds,
    identity: [],
    methodArn,
  };
}
