/**
 * Lambda authorizers (TOKEN and REQUEST) as API Gateway runs them: identity sources checked and the
 * IdentityValidationExpression applied before any invocation (401 without calling the Lambda), the
 * result cache consulted, the output validated, and the policy evaluated against the method ARN
 * with the shared evaluator, once per cached policy and method ARN (authorizer-decision.ts).
 */
import { performance } from "node:perf_hooks";
import {
  isAuthorizerContextValue,
  stringifyAuthorizerContext,
} from "../../handlers/shared/authorizer-context.js";
import { parseAuthorizerPolicy } from "../../lib/iam/authorizer-policy.js";
import type { ParsedPolicy } from "../../lib/iam/policy-document.js";
import type { PolicyDecision } from "../../lib/iam/policy-evaluator.js";
import type { ApiModel, AuthorizerModel, IdentitySource } from "./api-model-types.js";
import { type AuthorizerCache, type CachedAuthorization, cacheKey } from "./authorizer-cache.js";
import { methodDecision, rememberPolicy } from "./authorizer-decision.js";
import { cacheHitTrace, expressionTrace, keyTrace, missingIdentityTrace } from "./authorizer-trace.js";
import type { CacheSafetyCheck } from "./cache-safety.js";
import { ACCESS_DENIED_EXPLICIT, ACCESS_DENIED_IMPLICIT, type GatewayError } from "./gateway-responses.js";
import { callLambda } from "./lambda-call.js";
import { proxyRequestFields } from "./proxy-event.js";
import { type AuthorizerResult, type GatewayRequest, headerValue } from "./request-context.js";
import type { Route } from "./router.js";
import { type AuthorizerTrace, newAuthorizerTrace } from "./trace.js";
import { invocationTrace } from "./trace-invocation.js";
import type { LambdaInvoker, LambdaOutcome } from "./types.js";

/** The authorizer's verdict: go on with the principal and context, or answer with a gateway error. */
export type AuthorizationOutcome =
  | { kind: "allow"; result: AuthorizerResult }
  /** `result` is set when a policy denied: ACCESS_DENIED templates may read `$context.authorizer.*`. */
  | { kind: "deny"; error: GatewayError; result?: AuthorizerResult };

/** Everything one authorization needs about the request. */
export interface AuthorizationRequest {
  authorizer: AuthorizerModel;
  request: GatewayRequest;
  route: Route;
  methodArn: string;
  /** `$context` variables (for `context.*` identity sources). */
  context: Record<string, unknown>;
  /**
   * The request's trace, when the gateway traces it: the step sets `authorizer` to what it did — a
   * trace of its own, or on a cache hit the one trace shared by every hit alike (authorizer-trace.ts).
   */
  trace?: { authorizer?: AuthorizerTrace } | undefined;
}

/** Runs authorizers with one shared cache. */
export interface AuthorizerRunner {
  authorize(input: AuthorizationRequest): Promise<AuthorizationOutcome>;
}

const UNAUTHORIZED: AuthorizationOutcome = {
  kind: "deny",
  error: { type: "UNAUTHORIZED", message: "Unauthorized" },
};
/** API Gateway's default integration timeout: the longest it waits for a backend by default. */
const DEFAULT_QUEUE_ALLOWANCE_MS = 29_000;

const THROTTLED: AuthorizationOutcome = {
  kind: "deny",
  error: { type: "THROTTLED", message: "Too Many Requests" },
};
const CONFIGURATION_ERROR: AuthorizationOutcome = {
  kind: "deny",
  error: { type: "AUTHORIZER_CONFIGURATION_ERROR", message: null },
};

/**
 * Creates the authorizer runner of a gateway.
 */
export function createAuthorizerRunner(deps: {
  api: ApiModel;
  lambda: LambdaInvoker;
  cache: AuthorizerCache;
  now: () => number;
  log: (line: string) => void;
  /** Checks cached denials for a cache-unsafe authorizer. Default: no check (no extra invocations). */
  cacheSafety?: CacheSafetyCheck;
  /** How long an authorizer call may wait for a free environment beyond its Timeout. Default 29 s. */
  queueAllowanceMs?: number;
}): AuthorizerRunner {
  const { api, lambda, cache, now, log } = deps;
  const queueAllowanceMs = deps.queueAllowanceMs ?? DEFAULT_QUEUE_ALLOWANCE_MS;
  const safety = deps.cacheSafety;
  const eventFor = (input: AuthorizationRequest, token: string | undefined) =>
    input.authorizer.type === "TOKEN"
      ? { type: "TOKEN", authorizationToken: token, methodArn: input.methodArn }
      : {
          type: "REQUEST",
          methodArn: input.methodArn,
          ...proxyRequestFields(api, input.request, input.route, input.context, "authorizer"),
        };
  return {
    async authorize(input) {
      const { authorizer, request, methodArn, context } = input;
      const traced = input.trace;
      /** A trace of this request's own, in the request's trace (every outcome but a cache hit). */
      const ownTrace = () => {
        if (traced === undefined) return undefined;
        traced.authorizer = newAuthorizerTrace(authorizer, methodArn);
        return traced.authorizer;
      };
      const sources = authorizer.identitySources;
      const values = identityValues(sources, request, api, context);
      if (values.length < sources.length) {
        const missing = sources[values.length] as IdentitySource;
        const trace = ownTrace();
        if (trace) {
          trace.identity = missingIdentityTrace(sources, values, missing);
          trace.missingSource = missing.expression;
        }
        return UNAUTHORIZED;
      }
      const key = cacheKey(api.stageName, authorizer.id, values);
      const [token] = values;
      const expression = authorizer.type === "TOKEN" ? authorizer.validationExpression : undefined;
      const matched = expression === undefined || expression.test(token ?? "");
      const caching = authorizer.ttlSeconds > 0 && values.length > 0;
      const cached = caching && matched ? cache.get(key, now()) : undefined;
      if (cached) {
        const decided = methodDecision(cached, methodArn);
        if (traced) {
          const expiresAt = cache.expiresAt(key) ?? now();
          traced.authorizer = cacheHitTrace({
            authorizer,
            identity: { key, values },
            output: cached,
            decided,
            ttlSecondsLeft: Math.ceil((expiresAt - now()) / 1000),
          });
        }
        const outcome = decisionOutcome(cached, decided.decision, 0);
        if (outcome.kind === "deny") safety?.afterCachedDeny(authorizer, eventFor(input, token), methodArn);
        return outcome;
      }
      const trace = ownTrace();
      const shown = trace && keyTrace(key, sources, values);
      if (trace && shown) {
        trace.identity = shown.identity;
        if (expression) trace.validationExpression = expressionTrace(expression, matched);
      }
      if (!matched) return UNAUTHORIZED;
      if (trace && shown) {
        trace.cache = caching ? "miss" : "off";
        if (caching) trace.cacheKey = shown.keyDigest;
      }

      if (!authorizer.invoke.allowed) {
        if (trace) trace.invokePermissionMissing = authorizer.invoke.missing;
        log(
          `authorizer ${authorizer.logicalId}: Execution failed due to configuration error: Invalid permissions on Lambda function (${authorizer.invoke.missing}); Authorizer error: AuthorizerConfigurationException`,
        );
        return CONFIGURATION_ERROR;
      }
      const event = eventFor(input, token);
      const started = performance.now();
      // The runtime stops a run past the function's Timeout; the gateway bounds the whole call too
      // (Timeout plus time waiting for a free environment, which only the local run has: Lambda
      // scales out instead), so no invoker can hold a request forever. Past it the call is abandoned
      // (the invocation stopped) and counts as the function timing out.
      const timeoutMs = (api.functionTimeouts.get(authorizer.functionArn) ?? 3) * 1000 + queueAllowanceMs;
      const called = await callLambda(lambda, authorizer.functionArn, event, timeoutMs);
      const outcome: LambdaOutcome = called.kind === "integration-timeout" ? { kind: "timeout" } : called;
      const latency = Math.round(performance.now() - started);
      if (trace) trace.invocation = invocationTrace(authorizer.functionArn, latency, outcome);
      // Without a trace these lines are the only explanation; with one, the request's line says it.
      if (outcome.kind === "error" && outcome.errorMessage === "Unauthorized") {
        if (!trace) log(`authorizer ${authorizer.logicalId}: Unauthorized`);
        return UNAUTHORIZED;
      }
      if (outcome.kind === "throttled") {
        log(`authorizer ${authorizer.logicalId}: its function's queue is full: 429 Too Many Requests`);
        return THROTTLED;
      }
      if (outcome.kind !== "result") {
        if (!trace) {
          log(
            `authorizer ${authorizer.logicalId} failed (${outcome.kind}): AuthorizerConfigurationException`,
          );
        }
        return CONFIGURATION_ERROR;
      }
      const output = validateOutput(outcome.payload);
      if (typeof output === "string") {
        if (trace) trace.invalidResult = output;
        else {
          log(
            `authorizer ${authorizer.logicalId} returned an invalid result (${output}): AuthorizerConfigurationException`,
          );
        }
        return CONFIGURATION_ERROR;
      }
      if (caching) cache.set(key, output, authorizer.ttlSeconds, now());
      return decide(output, methodArn, latency, trace);
    },
  };
}

function decide(
  output: CachedAuthorization,
  methodArn: string,
  latency: number,
  trace: AuthorizerTrace | undefined,
): AuthorizationOutcome {
  // Traced or not, the same remembered evaluation decides; the trace only points at its statements.
  const decided = methodDecision(output, methodArn);
  if (trace) {
    trace.methodArn = decided.methodArn;
    trace.principalId = output.principalId;
    trace.decision = decided.decision;
    trace.statements = decided.statements;
  }
  return decisionOutcome(output, decided.decision, latency);
}

function decisionOutcome(
  output: CachedAuthorization,
  decision: PolicyDecision,
  latency: number,
): AuthorizationOutcome {
  const result = { principalId: output.principalId, context: output.context, integrationLatency: latency };
  if (decision === "Allow") return { kind: "allow", result };
  const message = decision === "ExplicitDeny" ? ACCESS_DENIED_EXPLICIT : ACCESS_DENIED_IMPLICIT;
  return { kind: "deny", error: { type: "ACCESS_DENIED", message }, result };
}

/**
 * The identity values in order, up to the first one missing or empty (API Gateway: 401 without
 * invoking the authorizer): fewer values than sources means that one is missing. The TOKEN header
 * is looked up case-insensitively.
 */
function identityValues(
  sources: readonly IdentitySource[],
  request: GatewayRequest,
  api: ApiModel,
  context: Record<string, unknown>,
): string[] {
  const values: string[] = [];
  for (const source of sources) {
    const value = identityValue(source, request, api, context);
    if (value === undefined || value === "") break;
    values.push(value);
  }
  return values;
}

function identityValue(
  source: IdentitySource,
  request: GatewayRequest,
  api: ApiModel,
  context: Record<string, unknown>,
): string | undefined {
  switch (source.kind) {
    case "header":
      return headerValue(request, source.name);
    case "querystring":
      return request.query[source.name];
    case "stageVariables":
      return api.stageVariables[source.name];
    case "context": {
      let value: unknown = context;
      for (const key of source.name.split(".")) {
        value =
          typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
      }
      return value === undefined || value === null ? undefined : String(value);
    }
  }
}

/**
 * Checks an authorizer's output the way API Gateway does before trusting it: an object with a
 * string principalId, a policy `parseAuthorizerPolicy` can read (kept with the output for
 * `methodDecision`), and a context of scalar (or null) values. Returns the reason as a string when
 * invalid.
 */
function validateOutput(payload: unknown): CachedAuthorization | string {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return "not an object";
  const output = payload as Record<string, unknown>;
  if (typeof output.principalId !== "string") return "principalId is not a string";
  let parsed: ParsedPolicy;
  try {
    parsed = parseAuthorizerPolicy(output.policyDocument);
  } catch (error) {
    return (error as Error).message;
  }
  const raw = output.context ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "context is not an object";
  const scalars: Record<string, string | number | boolean> = {};
  const nulls: Record<string, null> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) nulls[key] = null;
    else if (isAuthorizerContextValue(value)) scalars[key] = value;
    else return `context value of "${key}" is not a string, number or boolean`;
  }
  const valid: CachedAuthorization = {
    principalId: output.principalId,
    policyDocument: output.policyDocument,
    context: { ...stringifyAuthorizerContext(scalars), ...nulls },
  };
  rememberPolicy(valid, parsed);
  return valid;
}
