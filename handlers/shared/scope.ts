import { ApigwTokenAuthError } from "./errors.js";
/**
 * Scopes: which methods a token may call, as stored in its token record.
 *
 * A scope is `*` (every method of the API) or `<VERB> <path>`, for example `PUT /user` or
 * `GET /user/*`. VERB may be `*`. In the path, `*` keeps its IAM meaning (any run of characters,
 * `/` included, so `GET /user/*` also grants `GET /user/42/tokens`), a `{name}` (as written in the
 * template's resource paths) stands for exactly one path segment, so `GET /user/{id}` grants
 * `GET /user/42` and never `GET /user/42/tokens`, and a greedy `{name+}` for any number of them.
 *
 * IAM has no one-segment wildcard: the policy writes `{name}` as `*` and adds explicit Deny
 * statements for the deeper routes of the API (policy.ts, with the routes from the template).
 */

/** The HTTP verbs API Gateway REST APIs route, plus `*` for any. */
export const SCOPE_VERBS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "*"] as const;

/** The scope that grants every method. */
export const ALL_METHODS_SCOPE = "*";

/** A parsed scope: the verb (or `*`) and the path with no leading slash, wildcards kept. */
export interface Scope {
  verb: string;
  resourcePath: string;
}

const PATH = /^\/[A-Za-z0-9._~\-*/{}+]*$/;
const GREEDY_PARAMETER = /\{[A-Za-z0-9_]+\+\}/g;
const SEGMENT_PARAMETER = /\{[A-Za-z0-9_]+\}/g;
const ANY_PARAMETER = /\{[A-Za-z0-9_]+\+?\}/g;

/**
 * Parses one scope string; throws an ApigwTokenAuthError naming the expected form.
 *
 * @example
 * ```ts
 * parseScope("GET /user/{id}"); // { verb: "GET", resourcePath: "user/{id}" }
 * parseScope("*");              // { verb: "*", resourcePath: "*" }
 * ```
 */
export function parseScope(scope: unknown): Scope {
  if (scope === ALL_METHODS_SCOPE) return { verb: "*", resourcePath: "*" };
  const text = typeof scope === "string" ? scope.trim() : "";
  const space = text.indexOf(" ");
  const verb = space > 0 ? text.slice(0, space).toUpperCase() : "";
  const path = space > 0 ? text.slice(space + 1).trim() : "";
  if (!(SCOPE_VERBS as readonly string[]).includes(verb) || !PATH.test(path)) {
    throw new ApigwTokenAuthError("invalid scope", {
      expected: `"*" or "<VERB> /<path>" with VERB one of ${SCOPE_VERBS.join(", ")}, for example "GET /user/*"`,
      actual: typeof scope === "string" ? JSON.stringify(scope.slice(0, 100)) : typeof scope,
    });
  }
  return { verb, resourcePath: path.slice(1).replace(GREEDY_PARAMETER, "*") };
}

/**
 * The scope's path as an IAM resource pattern: every parameter becomes `*`.
 *
 * @example
 * ```ts
 * scopeResourcePattern(parseScope("GET /user/{id}/tokens")); // "user/*\/tokens"
 * ```
 */
export function scopeResourcePattern(scope: Scope): string {
  return scope.resourcePath.replace(ANY_PARAMETER, "*");
}

/** Whether the scope has a one-segment `{name}` parameter (its IAM pattern then grants too much). */
export function hasSegmentParameter(scope: Scope): boolean {
  return new RegExp(SEGMENT_PARAMETER.source).test(scope.resourcePath);
}

/**
 * Whether `scope` grants `verb` on `path` (no leading slash, as in a method ARN). With `iam`, the
 * way its IAM pattern matches (`{name}` spans `/` like `*`); without, by the scope's own meaning
 * (`{name}` is one non-empty segment).
 *
 * @example
 * ```ts
 * const scope = parseScope("GET /user/{id}");
 * scopeGrants(scope, "GET", "user/42/tokens");                // false
 * scopeGrants(scope, "GET", "user/42/tokens", { iam: true }); // true: why the policy adds a Deny
 * ```
 */
export function scopeGrants(
  scope: Scope,
  verb: string,
  path: string,
  options: { iam?: boolean } = {},
): boolean {
  if (scope.verb !== "*" && scope.verb !== verb) return false;
  const parameter = options.iam ? ".*" : "[^/]+";
  const source = scope.resourcePath
    .split(ANY_PARAMETER)
    .map((literal) => literal.split("*").map(escapeRegExp).join(".*"))
    .join(parameter);
  return new RegExp(`^${source}$`, "s").test(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Normalises a scope to its canonical text (`get /user/{path+}` → `GET /user/*`), so that the same
 * grant is stored and compared one way. A one-segment `{name}` is kept: it is not `*`.
 */
export function formatScope(scope: Scope): string {
  return scope.verb === "*" && scope.resourcePath === "*"
    ? ALL_METHODS_SCOPE
    : `${scope.verb} /${scope.resourcePath}`;
}
