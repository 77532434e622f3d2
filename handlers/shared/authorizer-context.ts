/**
 * The authorizer's `context`: extra values API Gateway hands to the backend.
 *
 * API Gateway accepts only string, number and boolean values (an object or array makes every
 * request fail with 500) and hands them to the backend as strings. A few names are taken by the
 * gateway itself and would be shadowed, so they are refused.
 */
import { ApigwTokenAuthError } from "./errors.js";

/** A value API Gateway accepts in an authorizer context. */
export type AuthorizerContextValue = string | number | boolean;

/** The authorizer context as the authorizer returns it. */
export type AuthorizerContext = Record<string, AuthorizerContextValue>;

/** Keys the gateway fills in itself (`$context.authorizer.principalId`, `.claims`, `integrationLatency`). */
export const RESERVED_CONTEXT_KEYS: readonly string[] = ["principalId", "claims", "integrationLatency"];

const CONTEXT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Whether `value` may be an authorizer context value (string, finite number or boolean).
 */
export function isAuthorizerContextValue(value: unknown): value is AuthorizerContextValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/**
 * Checks a context object against API Gateway's rules and the reserved keys, returning it typed;
 * throws an ApigwTokenAuthError naming the first offending key.
 *
 * @example
 * ```ts
 * parseAuthorizerContext({ tier: "gold", quota: 10 }); // ok
 * parseAuthorizerContext({ roles: ["a"] });            // throws: value of "roles" is an array
 * ```
 */
export function parseAuthorizerContext(context: unknown): AuthorizerContext {
  if (context === undefined || context === null) return {};
  if (typeof context !== "object" || Array.isArray(context)) {
    throw new ApigwTokenAuthError("authorizer context must be an object", {
      expected: "an object of string, number or boolean values",
      actual: Array.isArray(context) ? "an array" : typeof context,
    });
  }
  for (const [key, value] of Object.entries(context)) {
    if (!CONTEXT_KEY.test(key) || RESERVED_CONTEXT_KEYS.includes(key)) {
      throw new ApigwTokenAuthError(`invalid authorizer context key ${JSON.stringify(key.slice(0, 70))}`, {
        expected: `a name of letters, digits and _ (at most 64), not one of ${RESERVED_CONTEXT_KEYS.join(", ")}`,
        actual: JSON.stringify(key.slice(0, 70)),
      });
    }
    if (!isAuthorizerContextValue(value)) {
      throw new ApigwTokenAuthError(`invalid value for authorizer context key "${key}"`, {
        expected: "a string, a finite number or a boolean",
        actual: value === null ? "null" : Array.isArray(value) ? "an array" : typeof value,
      });
    }
  }
  return context as AuthorizerContext;
}

/**
 * The context as the backend sees it: every value turned into a string (`1` → `"1"`, `true` →
 * `"true"`), as API Gateway does for `$context.authorizer.<key>` and `requestContext.authorizer`.
 */
export function stringifyAuthorizerContext(context: AuthorizerContext): Record<string, string> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));
}
