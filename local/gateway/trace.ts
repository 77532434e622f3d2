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
  resources: readonly string[];
  matched: boolean;
}

/**
 * What the authorizer step did. A cache hit's is one frozen object shared by the hits alike
 * (authorizer-trace.ts): read a trace, never change it once the step is done.
 */
export interface AuthorizerTrace {
  /** The authorizer's logical id in the template. */
  name: string;
  type: "TOKEN" | "REQUEST";
  ttlSeconds: number;
  /** Shared by the traces of the same identity values (authorizer-trace.ts). */
  identity: readonly IdentityTrace[];
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
  /** Shared by every request of the same cached policy and method ARN (authorizer-decision.ts). */
  statements?: readonly StatementTrace[];
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
 * The function name of a Lambda ARN (`arn:aws:lambda:r:a:function:name` → `name`): the same string
 * for the same ARN, not a new one per traced invocation.
 */
export function functionName(functionArn: string): string {
  let name = functionNames.get(functionArn);
  if (name === undefined) {
    const at = functionArn.indexOf(":function:");
    name = at < 0 ? functionArn : functionArn.slice(at + ":function:".length);
    // A stack has a handful of functions; a reloaded template may bring new ARNs.
    if (functionNames.size >= 1000) functionNames.clear();
    functionNames.set(functionArn, name);
  }
  return name;
}
const functionNames = new Map<string, string>();

const NO_IDENTITY: readonly IdentityTrace[] = Object.freeze([]);

/**
 * The trace of an authorizer step before it runs.
 */
export function newAuthorizerTrace(authorizer: AuthorizerModel, methodArn: string): AuthorizerTrace {
  // Every field declared up front, in the order the step fills them in (JSON omits the undefined
  // ones): the trace keeps one shape as it is filled in, without a separate property store for
  // the garbage collector to copy while the inspector's ring keeps it.
  return {
    name: authorizer.logicalId,
    type: authorizer.type,
    ttlSeconds: authorizer.ttlSeconds,
    identity: NO_IDENTITY,
    methodArn,
    missingSource: undefined,
    validationExpression: undefined,
    cache: undefined,
    cacheKey: undefined,
    ttlSecondsLeft: undefined,
    invokePermissionMissing: undefined,
    invocation: undefined,
    invalidResult: undefined,
    principalId: undefined,
    decision: undefined,
    statements: undefined,
  };
}

/**
 * The trace of a request as it arrives; like {@link newAuthorizerTrace}, every later field is
 * declared up front in the order the gateway fills them in.
 */
export function newRequestTrace(requestId: string, method: string, path: string, time: string): RequestTrace {
  return {
    requestId: flatString(requestId),
    method,
    path,
    time,
    status: 0,
    durationMs: 0,
    route: undefined,
    authorizer: undefined,
    validation: undefined,
    integration: undefined,
    gatewayResponse: undefined,
    reason: undefined,
  };
}

/**
 * The trace of a matched route: one frozen object per method, shared by every request it serves
 * (a trace is read, never changed, once made; fewer objects per kept trace is less for the garbage
 * collector to copy while the inspector's ring holds it).
 */
export function matchedRouteTrace(method: { resourcePath: string; httpMethod: string }): RouteTrace {
  let known = matchedRoutes.get(method);
  if (known === undefined) {
    known = Object.freeze({ matched: true, resource: method.resourcePath, httpMethod: method.httpMethod });
    matchedRoutes.set(method, known);
  }
  return known;
}
const matchedRoutes = new WeakMap<object, RouteTrace>();

/**
 * `new Date(epochMs).toISOString()`, made of two shared strings: the second's text, worked out once
 * per second, and the millisecond's `.sssZ`, one of a thousand made once; the requests of one
 * millisecond share the result. Under load a new millisecond comes nearly every request, and
 * formatting a date for each cost more than the rest of its trace.
 */
export function traceTime(epochMs: number): string {
  // A Date drops the fraction of a millisecond (toward zero).
  const wholeMs = Math.trunc(epochMs);
  if (wholeMs === lastSecond.ms) return lastSecond.text;
  const second = Math.floor(wholeMs / 1000);
  if (second !== lastSecond.second) {
    lastSecond.second = second;
    const iso = new Date(second * 1000).toISOString();
    lastSecond.prefix = iso.slice(0, iso.length - ".000Z".length);
  }
  const ms = wholeMs - second * 1000;
  let suffix = millisecondSuffixes[ms];
  if (suffix === undefined) {
    suffix = `.${String(ms).padStart(3, "0")}Z`;
    millisecondSuffixes[ms] = suffix;
  }
  lastSecond.ms = wholeMs;
  lastSecond.text = lastSecond.prefix + suffix;
  return lastSecond.text;
}
/** The second last formatted, and the millisecond last asked (the requests within it share it). */
const lastSecond = { second: Number.NaN, prefix: "", ms: Number.NaN, text: "" };
const millisecondSuffixes: string[] = [];

/**
 * The trace of the gateway response that answered: the same object as the last one of its type
 * when nothing differs (a refusal repeats request after request).
 */
export function gatewayResponseTrace(
  type: string,
  status: number,
  message: string | null,
): NonNullable<RequestTrace["gatewayResponse"]> {
  const last = lastGatewayResponses.get(type);
  if (last !== undefined && last.status === status && last.message === message) return last;
  const made = Object.freeze({ type, status, message });
  lastGatewayResponses.set(type, made);
  return made;
}
const lastGatewayResponses = new Map<string, NonNullable<RequestTrace["gatewayResponse"]>>();

/**
 * `value` as one flat string. Node's `randomUUID()` (the request id) builds its result by
 * concatenation: a tree of some twenty small strings, each an object the garbage collector copies
 * while the inspector's ring keeps the trace. Reading a string as a number makes V8 flatten it in
 * place (the tree becomes one string), whatever the number turns out to be.
 */
export function flatString(value: string): string {
  Number(value);
  return value;
}
