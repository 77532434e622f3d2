/**
 * IAM policies for `execute-api:Invoke`, as the authorizers build them. (Evaluating them is the
 * tooling's job: lib/iam/authorizer-policy.ts, on the project's one IAM evaluator.)
 *
 * API Gateway caches the authorizer's policy per token and evaluates the cached policy against every
 * later request's method ARN. So the policy must name every method the token may call, not just the
 * one being authorized (a policy for only `event.methodArn` makes the second endpoint answer 403).
 */
import { ApigwTokenAuthError } from "./errors.js";
import { formatMethodArn, parseMethodArn } from "./method-arn.js";
import {
  hasSegmentParameter,
  parseScope,
  SCOPE_VERBS,
  type Scope,
  scopeGrants,
  scopeResourcePattern,
} from "./scope.js";

/** A route of the API as the template declares it: `GET` and `user/{id}` (no leading slash). */
export interface ApiRoute {
  verb: string;
  path: string;
}

/** One statement of an IAM policy; `Action`/`Resource` may be a string or a list. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  /** Operator → condition key → value(s); authorizers never build one (lib/iam evaluates them). */
  Condition?: Record<string, Record<string, unknown>>;
}

/** An IAM policy document, as an authorizer returns it or a role carries it. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

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
 * A `{name}` scope means one path segment, but IAM's `*` (its only wildcard) also matches `/`. With
 * the API's `routes` (the template's, built into the authorizer), every route the Allow would match
 * but no scope grants gets an explicit Deny, so `GET /user/{id}` never reaches `GET /user/{id}/tokens`.
 * Should such a Deny also cover a deeper route another scope does grant, the Deny wins: fail closed.
 *
 * @example
 * ```ts
 * buildAllowPolicy("arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/42", ["PUT /user", "GET /user/{id}"], [
 *   { verb: "GET", path: "user/{id}" },
 *   { verb: "GET", path: "user/{id}/tokens" },
 * ]);
 * // Allow .../GET/user/* and .../PUT/user; Deny .../GET/user/*\/tokens
 * ```
 */
export function buildAllowPolicy(
  methodArn: string,
  scopeTexts: readonly string[],
  routes?: readonly ApiRoute[],
): PolicyDocument {
  if (scopeTexts.length === 0) {
    throw new ApigwTokenAuthError("a policy needs at least one scope", {
      expected: "one or more scopes",
      actual: "none",
    });
  }
  const base = parseMethodArn(methodArn);
  const scopes = scopeTexts.map(parseScope);
  const resources = scopes.flatMap((scope) =>
    verbsOf(scope).map((verb) =>
      formatMethodArn({ ...base, verb, resourcePath: scopeResourcePattern(scope) }),
    ),
  );
  const statements: PolicyStatement[] = [
    { Effect: "Allow", Action: INVOKE_ACTION, Resource: [...new Set(resources)].sort() },
  ];
  if (routes && scopes.some(hasSegmentParameter)) {
    const denied = routes.flatMap((route) => {
      const paths = routeWitnesses(route.path, scopes);
      return routeVerbs(route)
        .filter((verb) =>
          paths.some(
            (path) =>
              scopes.some((scope) => scopeGrants(scope, verb, path, { iam: true })) &&
              !scopes.some((scope) => scopeGrants(scope, verb, path)),
          ),
        )
        .map((verb) =>
          formatMethodArn({ ...base, verb, resourcePath: route.path.replace(/\{[A-Za-z0-9_]+\+?\}/g, "*") }),
        );
    });
    if (denied.length > 0) {
      statements.push({ Effect: "Deny", Action: INVOKE_ACTION, Resource: [...new Set(denied)].sort() });
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Concrete paths standing for every request a route can answer, as far as the scopes can tell them
 * apart: each `{name}` takes each literal segment of a scope (a request's value may equal it, as
 * `/{org}/tokens` answers `/user/tokens`) or a value no scope names; a `{name+}` also two segments.
 * Enough to find a request the Allow reaches and no scope grants; past a few thousand combinations
 * every parameter takes only the fresh value.
 */
function routeWitnesses(routePath: string, scopes: readonly Scope[]): string[] {
  const literals = new Set(
    scopes
      .flatMap((scope) => scope.resourcePath.split("/"))
      .filter((part) => part !== "" && !/[*{}]/.test(part)),
  );
  let fresh = "0";
  while (literals.has(fresh)) fresh += "0";
  const parts = routePath.split(/(\{[A-Za-z0-9_]+\+?\})/);
  const parameters = parts.filter((_, i) => i % 2 === 1).length;
  const choices = (part: string) => {
    const values = literals.size ** parameters > MAX_WITNESSES ? [fresh] : [...literals, fresh];
    return part.endsWith("+}") ? [...values, `${fresh}/${fresh}`] : values;
  };
  let paths = [""];
  parts.forEach((part, i) => {
    const options = i % 2 === 1 ? choices(part) : [part];
    paths = paths.flatMap((path) => options.map((option) => path + option));
  });
  return paths;
}
const MAX_WITNESSES = 4096;

/** A route's verbs: API Gateway's `ANY` method answers every verb. */
function routeVerbs(route: ApiRoute): string[] {
  return route.verb === "ANY" ? SCOPE_VERBS.filter((verb) => verb !== "*") : [route.verb];
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
