/**
 * IAM policies for `execute-api:Invoke`: built by the authorizer, evaluated by the local gateway.
 *
 * API Gateway caches the authorizer's policy per token and evaluates the cached policy against every
 * later request's method ARN. So the policy must name every method the token may call, not just the
 * one being authorized (a policy for only `event.methodArn` makes the second endpoint answer 403).
 */

import { arnMatches, globMatches } from "./arn-match.js";
import { ApigwTokenAuthError } from "./errors.js";
import { formatMethodArn, parseMethodArn } from "./method-arn.js";
import { parseScope, SCOPE_VERBS, type Scope } from "./scope.js";

/** One statement of an IAM policy; `Action`/`Resource` may be a string or a list. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

/** An IAM policy document as an authorizer returns it. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The outcome of evaluating a policy for one method ARN. */
export type PolicyDecision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** The action API Gateway checks. */
export const INVOKE_ACTION = "execute-api:Invoke";

/**
 * An Allow policy for every method the scopes grant, on the API and stage of `methodArn`.
 *
 * The region, account, API id and stage come from the incoming method ARN, so the same authorizer
 * works on any stage and the cached policy stays right for the next method. Scopes are validated
 * first; a bad scope, or none at all, throws (fail closed). Resources are de-duplicated and sorted
 * so that equal grants give equal policies.
 *
 * @example
 * ```ts
 * buildAllowPolicy("arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/42", ["PUT /user", "GET /user/*"]);
 * // { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "execute-api:Invoke",
 * //   Resource: ["arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/*",
 * //              "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/PUT/user"] }] }
 * ```
 */
export function buildAllowPolicy(methodArn: string, scopes: readonly string[]): PolicyDocument {
  if (scopes.length === 0) {
    throw new ApigwTokenAuthError("a policy needs at least one scope", {
      expected: "one or more scopes",
      actual: "none",
    });
  }
  const base = parseMethodArn(methodArn);
  const resources = scopes.flatMap((text) => {
    const scope = parseScope(text);
    return verbsOf(scope).map((verb) => formatMethodArn({ ...base, verb, resourcePath: scope.resourcePath }));
  });
  const unique = [...new Set(resources)].sort();
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: INVOKE_ACTION, Resource: unique }],
  };
}

/**
 * The verbs a scope's resources are written for. A `*` verb with a specific path is spelled out one
 * verb at a time: in IAM matching `*` also matches `/`, so a `*` in the verb position of the resource
 * (stage, star, "user") would grant `GET /admin/user` too. Only the all-methods scope keeps its single
 * stage-wide resource.
 */
function verbsOf(scope: Scope): string[] {
  if (scope.verb !== "*" || scope.resourcePath === "*") return [scope.verb];
  return SCOPE_VERBS.filter((verb) => verb !== "*");
}

/**
 * Evaluates a policy for `execute-api:Invoke` on `methodArn` the way IAM does: a matching Deny wins,
 * else a matching Allow allows, else the request is implicitly denied.
 *
 * Throws an ApigwTokenAuthError for a document that is not a policy (API Gateway answers such an
 * authorizer with 500) or that uses a `Condition`, which needs request context to evaluate.
 *
 * @example
 * ```ts
 * const policy = buildAllowPolicy(arn, ["GET /user/*"]);
 * evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/7"); // "Allow"
 * evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/PUT/user");   // "ImplicitDeny"
 * ```
 */
export function evaluatePolicy(policy: unknown, methodArn: string): PolicyDecision {
  let allowed = false;
  for (const statement of statementsOf(policy)) {
    if (!statementApplies(statement, methodArn)) continue;
    if (statement.Effect === "Deny") return "ExplicitDeny";
    allowed = true;
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

function statementsOf(policy: unknown): PolicyStatement[] {
  const document = policy as { Statement?: unknown } | null;
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new ApigwTokenAuthError("policyDocument must be an object", { actual: describe(policy) });
  }
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.map((statement, index) => checkStatement(statement, index));
}

function checkStatement(statement: unknown, index: number): PolicyStatement {
  const where = `Statement[${index}]`;
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) {
    throw new ApigwTokenAuthError(`${where} must be an object`, { actual: describe(statement) });
  }
  const s = statement as Record<string, unknown>;
  if (s.Effect !== "Allow" && s.Effect !== "Deny") {
    throw new ApigwTokenAuthError(`${where}.Effect is invalid`, {
      expected: '"Allow" or "Deny"',
      actual: describe(s.Effect),
    });
  }
  if ("Condition" in s) {
    throw new ApigwTokenAuthError(`${where}.Condition is not supported`, {
      expected: "a statement without Condition",
      actual: "a Condition block",
    });
  }
  for (const [present, absent] of [
    ["Action", "NotAction"],
    ["Resource", "NotResource"],
  ] as const) {
    if (present in s === absent in s) {
      throw new ApigwTokenAuthError(`${where} needs exactly one of ${present} and ${absent}`);
    }
    const value = s[present] ?? s[absent];
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || !list.every((item) => typeof item === "string")) {
      throw new ApigwTokenAuthError(`${where}.${present in s ? present : absent} is invalid`, {
        expected: "a string or a non-empty list of strings",
        actual: describe(value),
      });
    }
  }
  return s as unknown as PolicyStatement;
}

function statementApplies(statement: PolicyStatement, methodArn: string): boolean {
  const action = INVOKE_ACTION.toLowerCase();
  const actionMatches = (pattern: string) => globMatches(pattern.toLowerCase(), action);
  const resourceMatches = (pattern: string) => arnMatches(pattern, methodArn);
  const actionOk =
    statement.Action !== undefined
      ? asList(statement.Action).some(actionMatches)
      : !asList(statement.NotAction).some(actionMatches);
  const resourceOk =
    statement.Resource !== undefined
      ? asList(statement.Resource).some(resourceMatches)
      : !asList(statement.NotResource).some(resourceMatches);
  return actionOk && resourceOk;
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value;
}
