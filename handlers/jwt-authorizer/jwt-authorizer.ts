/**
 * The JWT TOKEN authorizer: verifies the caller's JWT (Cognito user pool or another issuer) and
 * answers with a policy for every method the token qualifies for under the method rules.
 *
 * Outcomes, as API Gateway turns them into responses:
 * - no token, a token that fails verification, or one that meets no method rule →
 *   `Error("Unauthorized")` → 401;
 * - a valid token → Allow for every method whose rule it meets (a listed method it does not meet
 *   is then 403), principalId = the `sub` claim, selected claims as string context values;
 * - the issuer's JWKS unavailable, or anything unexpected → another error → 500. Never Allow.
 */
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import type { AuthorizerResult, TokenAuthorizerEvent } from "../authorizer/token-authorizer.js";
import type { AuthorizerContext } from "../shared/authorizer-context.js";
import { UnauthorizedError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { type ApiRoute, buildAllowPolicy } from "../shared/policy.js";
import type { VerifyJwt } from "./jwt-verifier.js";
import { grantedMethods, type MethodRule } from "./method-rules.js";

/** The claim Cognito puts a user's groups in. */
export const GROUPS_CLAIM = "cognito:groups";

/** What the authorizer needs. */
export interface JwtAuthorizerOptions {
  verify: VerifyJwt;
  rules: readonly MethodRule[];
  logger: Logger;
  /** The API's routes (from the template, built in): deeper routes a `{name}` rule does not grant are denied. */
  routes?: readonly ApiRoute[];
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Creates the authorizer function.
 *
 * @example
 * ```ts
 * import { createLogger } from "../shared/logger.js";
 * import { readJwtConfig } from "./jwt-config.js";
 * import { createJwtVerifier } from "./jwt-verifier.js";
 *
 * declare const jwt: string;
 * const config = readJwtConfig(process.env);
 * const authorize = createJwtAuthorizer({
 *   verify: createJwtVerifier(config.issuer),
 *   rules: config.rules,
 *   logger: createLogger("jwt-authorizer"),
 * });
 * const result = await authorize({
 *   type: "TOKEN",
 *   authorizationToken: `Bearer ${jwt}`,
 *   methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/me",
 * });
 * // result.principalId === the token's sub
 * ```
 */
export function createJwtAuthorizer(options: JwtAuthorizerOptions) {
  const { verify, rules, logger } = options;

  return async function authorize(event: TokenAuthorizerEvent): Promise<AuthorizerResult> {
    const jwt = bearerToken(event?.authorizationToken);
    if (jwt === undefined) {
      logger.info("refused", { reason: "no token" });
      throw new UnauthorizedError("no token");
    }
    let payload: JwtPayload;
    try {
      payload = await verify(jwt);
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        logger.info("refused", { reason: error.reason });
      } else {
        logger.error("cannot verify tokens", { error, cause: (error as Error).cause });
      }
      throw error;
    }
    const subject = payload.sub as string;
    const groups = groupsOf(payload);
    const granted = grantedMethods(rules, { scopes: payload.scope?.split(" ") ?? [], groups });
    if (granted.length === 0) {
      logger.info("refused", { reason: "token meets no method rule", sub: subject });
      throw new UnauthorizedError("token meets no method rule");
    }
    logger.info("allowed", { sub: subject, methods: granted });
    return {
      principalId: subject,
      policyDocument: buildAllowPolicy(event.methodArn, granted, options.routes),
      context: claimsContext(payload, groups),
    };
  };
}

/**
 * The JWT in an Authorization header value: the value itself, or what follows `Bearer `
 * (API Gateway hands the header over verbatim). `undefined` when there is none.
 */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== "string") return undefined;
  const value = header.trim();
  const bearer = BEARER.exec(value);
  if (bearer) return bearer[1];
  return value === "" || /\s/.test(value) ? undefined : value;
}

function groupsOf(payload: JwtPayload): string[] {
  const groups = payload[GROUPS_CLAIM];
  return Array.isArray(groups) ? groups.filter((group): group is string => typeof group === "string") : [];
}

/**
 * The claims the backend gets, all as strings (API Gateway allows no lists in a context): groups
 * joined by spaces like `scope` (Cognito group names contain no whitespace).
 */
function claimsContext(payload: JwtPayload, groups: string[]): AuthorizerContext {
  const context: AuthorizerContext = { groups: groups.join(" ") };
  const put = (key: string, value: unknown) => {
    if (typeof value === "string") context[key] = value;
  };
  put("issuer", payload.iss);
  put("tokenUse", payload.token_use);
  put("clientId", payload.client_id ?? payload.aud);
  put("username", payload.username ?? payload["cognito:username"]);
  put("email", payload.email);
  put("scope", payload.scope);
  return context;
}
