/**
 * Which methods a verified JWT may call: `JWT_METHOD_RULES`, a JSON object from method scope to
 * requirement.
 *
 * ```json
 * { "GET /me": {}, "GET /reports/*": { "scope": "reports/read" }, "DELETE /user/{id}": { "group": ["admin"] } }
 * ```
 *
 * Keys are scopes as in scope.ts (`<VERB> /<path>`, `{id}` = one path segment). A requirement may name OAuth
 * scopes (`scope`: the token's `scope` claim must hold at least one) and groups (`group`: its
 * `cognito:groups` claim must hold at least one); both, when given, must hold; `{}` lets every valid
 * token in. Every method the JWT authorizer guards must be listed: API Gateway caches the policy per
 * token and re-evaluates it for the next method, so the policy names every method the token
 * qualifies for, and a method that is not listed is never allowed (403).
 */
import { ApigwTokenAuthError } from "../shared/errors.js";
import { formatScope, parseScope } from "../shared/scope.js";

/** One method and what a token needs to call it. */
export interface MethodRule {
  /** The method, as a canonical scope (`GET /me`). */
  method: string;
  /** OAuth scopes, any one of which the token's `scope` claim must hold; empty = no requirement. */
  scopes: string[];
  /** Groups, any one of which the token's `cognito:groups` claim must hold; empty = no requirement. */
  groups: string[];
}

/** What a token offers to the rules: its OAuth scopes and groups. */
export interface TokenGrants {
  scopes: readonly string[];
  groups: readonly string[];
}

const REQUIREMENT_KEYS = ["scope", "group"] as const;

/**
 * Parses `JWT_METHOD_RULES`; throws an ApigwTokenAuthError saying what is wrong.
 *
 * @example
 * ```ts
 * parseMethodRules('{"GET /me": {}, "get /reports/{id}": {"scope": ["reports/read"]}}');
 * // [{ method: "GET /me", scopes: [], groups: [] },
 * //  { method: "GET /reports/{id}", scopes: ["reports/read"], groups: [] }]
 * ```
 */
export function parseMethodRules(json: string): MethodRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new ApigwTokenAuthError("JWT_METHOD_RULES is not JSON", { expected: "a JSON object", cause });
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) {
    throw new ApigwTokenAuthError("JWT_METHOD_RULES must name at least one method", {
      expected: 'a JSON object such as {"GET /me": {}}',
      actual: describe(parsed),
    });
  }
  return Object.entries(parsed).map(([method, requirement]) => {
    const where = `JWT_METHOD_RULES[${JSON.stringify(method.slice(0, 60))}]`;
    if (!isObject(requirement) || Object.keys(requirement).some((key) => !includes(REQUIREMENT_KEYS, key))) {
      throw new ApigwTokenAuthError(`${where} is invalid`, {
        expected: 'an object with optional "scope" and "group" (a string or a list of strings)',
        actual: isObject(requirement) ? `keys ${Object.keys(requirement).join(", ")}` : describe(requirement),
      });
    }
    return {
      method: canonicalMethod(method, where),
      scopes: stringList(requirement.scope, `${where}.scope`),
      groups: stringList(requirement.group, `${where}.group`),
    };
  });
}

/**
 * The methods (canonical scopes) whose requirements the token meets, in rule order.
 *
 * @example
 * ```ts
 * const rules = parseMethodRules('{"GET /me": {}, "GET /reports/{id}": {"scope": "reports/read"}}');
 * grantedMethods(rules, { scopes: ["reports/read"], groups: [] }); // ["GET /me", "GET /reports/{id}"]
 * grantedMethods(rules, { scopes: [], groups: [] }); // ["GET /me"]
 * ```
 */
export function grantedMethods(rules: readonly MethodRule[], grants: TokenGrants): string[] {
  const anyOf = (wanted: readonly string[], held: readonly string[]) =>
    wanted.length === 0 || wanted.some((item) => held.includes(item));
  return rules
    .filter((rule) => anyOf(rule.scopes, grants.scopes) && anyOf(rule.groups, grants.groups))
    .map((rule) => rule.method);
}

function canonicalMethod(method: string, where: string): string {
  try {
    return formatScope(parseScope(method));
  } catch (error) {
    if (!(error instanceof ApigwTokenAuthError)) throw error;
    throw new ApigwTokenAuthError(`${where}: the key is not a method scope`, {
      expected: error.expected,
      actual: error.actual,
      cause: error,
    });
  }
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === "string" && /^\S+$/.test(item))) {
    throw new ApigwTokenAuthError(`${where} is invalid`, {
      expected: "a name without spaces, or a non-empty list of them",
      actual: describe(value),
    });
  }
  return list as string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function includes(list: readonly string[], item: string): boolean {
  return list.includes(item);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 60)) : typeof value;
}
