import { ApigwTokenAuthError } from "./errors.js";
/**
 * Scopes: which methods a token may call, as stored in its token record.
 *
 * A scope is `*` (every method of the API) or `<VERB> <path>`, for example `PUT /user` or
 * `GET /user/*`. VERB may be `*`. In the path, `*` is an IAM wildcard and a `{name}` segment (as
 * written in the template's resource paths) stands for any one value, so `GET /user/{id}` and
 * `GET /user/*` grant the same thing.
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
const PATH_PARAMETER_SEGMENT = /\{[A-Za-z0-9_]+\+?\}/g;

/**
 * Parses one scope string; throws an ApigwTokenAuthError naming the expected form.
 *
 * @example
 * ```ts
 * parseScope("GET /user/{id}"); // { verb: "GET", resourcePath: "user/*" }
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
  return { verb, resourcePath: path.slice(1).replace(PATH_PARAMETER_SEGMENT, "*") };
}

/**
 * Normalises a scope to its canonical text (`get /user/{id}` → `GET /user/*`), so that the same
 * grant is stored and compared one way.
 */
export function formatScope(scope: Scope): string {
  return scope.verb === "*" && scope.resourcePath === "*"
    ? ALL_METHODS_SCOPE
    : `${scope.verb} /${scope.resourcePath}`;
}
