/**
 * The reason of a non-2xx answer in words a person reads once, from the request's decision trace:
 * what `make start` prints on the request's line and the inspector shows in its list.
 */
import { parseMethodArn } from "../../handlers/shared/method-arn.js";
import type {
  AuthorizerTrace,
  IntegrationTrace,
  InvocationTrace,
  RequestTrace,
  StatementTrace,
} from "./trace.js";

/**
 * The reason of a non-2xx, or undefined for a 2xx/3xx.
 */
export function requestReason(trace: RequestTrace): string | undefined {
  if (trace.status < 400) return undefined;
  const { route, authorizer, validation, integration, gatewayResponse } = trace;
  if (route && !route.matched) return `Missing Authentication Token — ${route.why}`;
  if (trace.status === 413) return "the request body is larger than API Gateway's 10 MB limit";
  if (trace.status === 414) return "the method ARN would be longer than 1600 bytes (URI too long)";
  if (authorizer && authorizer.decision !== "Allow") {
    const reason = authorizerReason(authorizer);
    if (reason) return reason;
  }
  if (validation && !validation.passed) return `request validation failed: ${validation.message}`;
  if (integration) {
    const reason = integrationReason(integration, trace.status, gatewayResponse?.type);
    if (reason) return reason;
  }
  if (gatewayResponse)
    return `gateway response ${gatewayResponse.type}: ${gatewayResponse.message ?? "null"}`;
  return undefined;
}

function authorizerReason(a: AuthorizerTrace): string | undefined {
  if (a.missingSource) {
    return `identity source ${a.missingSource} missing or empty (authorizer ${a.name} not called)`;
  }
  if (a.validationExpression && !a.validationExpression.matched) {
    return `${sourceName(a.identity[0]?.source)} fails IdentityValidationExpression ${a.validationExpression.pattern} (authorizer ${a.name} not called)`;
  }
  if (a.invokePermissionMissing) {
    return `Invalid permissions on Lambda function: ${a.invokePermissionMissing} (authorizer ${a.name} not called, AuthorizerConfigurationException)`;
  }
  if (a.invalidResult) {
    return `authorizer ${a.name} returned an invalid result: ${a.invalidResult} (AuthorizerConfigurationException)`;
  }
  const invocation = a.invocation;
  if (invocation && invocation.outcome !== "result") {
    if (invocation.outcome === "error" && invocation.errorMessage === "Unauthorized") {
      const why = invocation.refusal ? `: ${invocation.refusal}` : "";
      return `authorizer ${a.name} answered Unauthorized for ${identityOf(a)}${why}`;
    }
    return `authorizer ${a.name} failed — ${invocationFailure(invocation)} (AuthorizerConfigurationException)`;
  }
  if (a.decision === "ImplicitDeny" || a.decision === "ExplicitDeny") return denyReason(a, a.decision);
  return undefined;
}

/**
 * What a denied request's reason was last written from, by the statements it explains. A cached
 * policy's statements for a method ARN are one shared array (authorizer-decision.ts), so the
 * requests it refuses alike (same second of TTL left) get the same text without writing it anew,
 * and what the policy allows is worked out once per array.
 */
interface DenyText {
  allows: string;
  last?: {
    decision: string;
    methodArn: string;
    name: string;
    cache: AuthorizerTrace["cache"];
    ttlSecondsLeft: number | undefined;
    principalId: string | undefined;
    text: string;
  };
}
const denyTexts = new WeakMap<readonly StatementTrace[], DenyText>();
const NO_STATEMENTS: readonly StatementTrace[] = [];

function denyReason(a: AuthorizerTrace, decision: "ImplicitDeny" | "ExplicitDeny"): string {
  const statements = a.statements ?? NO_STATEMENTS;
  let known = denyTexts.get(statements);
  if (known === undefined) {
    const allowed = allowedMethods(statements);
    known = { allows: allowed.length > 0 ? `; it allows ${allowed.join(", ")}` : "; it allows nothing" };
    denyTexts.set(statements, known);
  }
  const last = known.last;
  if (
    last !== undefined &&
    last.decision === decision &&
    last.methodArn === a.methodArn &&
    last.name === a.name &&
    last.cache === a.cache &&
    last.ttlSecondsLeft === a.ttlSecondsLeft &&
    last.principalId === a.principalId
  ) {
    return last.text;
  }
  const origin =
    a.cache === "hit"
      ? `cached policy (hit, ${a.ttlSecondsLeft ?? "?"} s left)`
      : `policy from ${a.name} (${a.cache === "miss" ? "miss, " : ""}principal ${a.principalId})`;
  let text: string;
  if (decision === "ExplicitDeny") {
    const deny = statements.find((s) => s.matched && s.effect === "Deny");
    text = `ExplicitDeny — ${origin}: statement ${deny?.sid ?? `#${deny?.index}`} denies ${a.methodArn}`;
  } else {
    text = `ImplicitDeny — ${origin} has no statement for ${a.methodArn}${known.allows}`;
  }
  known.last = {
    decision,
    methodArn: a.methodArn,
    name: a.name,
    cache: a.cache,
    ttlSecondsLeft: a.ttlSecondsLeft,
    principalId: a.principalId,
    text,
  };
  return text;
}

function integrationReason(
  integration: IntegrationTrace,
  status: number,
  gatewayResponseType: string | undefined,
): string | undefined {
  const invocation = integration.invocation;
  if (integration.invokePermissionMissing) {
    return `Invalid permissions on Lambda function: ${integration.invokePermissionMissing} (not invoked)`;
  }
  if (gatewayResponseType === "INTEGRATION_TIMEOUT") {
    return `integration timed out: ${invocation?.function ?? "the function"} did not answer within the integration timeout`;
  }
  if (invocation && invocation.outcome !== "result") {
    const selected = integration.selectionPattern
      ? ` → integration response ${integration.selectionPattern}`
      : "";
    return `function ${invocation.function} failed — ${invocationFailure(invocation)}${selected}`;
  }
  if (integration.invalidResponse)
    return `bad proxy response from ${invocation?.function}: ${integration.invalidResponse}`;
  if (integration.selectionPattern && status >= 400) {
    return `integration response ${integration.selectionPattern} chose ${status}`;
  }
  return undefined;
}

function invocationFailure(invocation: InvocationTrace): string {
  switch (invocation.outcome) {
    case "timeout":
      return `timed out after ${invocation.durationMs} ms (its Timeout)`;
    case "crash":
      return `crashed: ${invocation.errorMessage}`;
    case "integration-timeout":
      return "no answer within the integration timeout";
    case "throttled":
      return "not run: the function's queue of waiting invocations is full (429)";
    default:
      return `${invocation.initFailed ? "init failed, " : ""}${invocation.errorType}: ${invocation.errorMessage}`;
  }
}

/** The methods the evaluated policy allows, as `VERB /path` on this API and stage when it can tell. */
function allowedMethods(statements: readonly StatementTrace[]): string[] {
  const allowed: string[] = [];
  for (const statement of statements) {
    if (statement.effect !== "Allow") continue;
    for (const resource of statement.resources) allowed.push(shortMethod(resource));
  }
  return allowed;
}

function shortMethod(resource: string): string {
  try {
    const { verb, resourcePath } = parseMethodArn(resource);
    return `${verb === "*" ? "ANY" : verb} /${resourcePath}`;
  } catch {
    return resource;
  }
}

function identityOf(a: AuthorizerTrace): string {
  const digests = a.identity.map((i) => i.digest).filter(Boolean);
  return digests.length === 1 ? `token ${digests[0]}` : `identity ${digests.join(", ")}`;
}

/** `method.request.header.Authorization` → `Authorization`. */
function sourceName(expression: string | undefined): string {
  return expression?.slice(expression.lastIndexOf(".") + 1) ?? "the token";
}
