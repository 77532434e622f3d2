/**
 * The TOKEN authorizer: looks the caller's token up in the token table and answers with a policy
 * for every method the token's scopes grant.
 *
 * Outcomes, as API Gateway turns them into responses:
 * - malformed, unknown or expired token → `Error("Unauthorized")` → 401;
 * - an agent token (record with `agentId`) → 401: agent tokens work only through the agents'
 *   REQUEST authorizer, together with their `X-AgentID`, never as plain bearer tokens;
 * - known token → Allow for all its scopes (cached by API Gateway for the authorizer TTL and
 *   re-evaluated for every later method, so the policy must cover them all);
 * - anything else (table unreachable, throttled, corrupt record) → another error → 500. Never Allow.
 */
import type { AuthorizerContext } from "../shared/authorizer-context.js";
import { UnauthorizedError } from "../shared/errors.js";
import { createLastUseRecorder, type LastUseOptions } from "../shared/last-use.js";
import { type ApiRoute, buildAllowPolicy, type PolicyDocument } from "../shared/policy.js";
import { createTokenLookup, type TokenLookupOptions } from "../shared/token-lookup.js";

/** The event API Gateway sends a TOKEN authorizer. */
export interface TokenAuthorizerEvent {
  type: "TOKEN";
  authorizationToken: string;
  methodArn: string;
}

/** What the authorizer returns to API Gateway. */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context: AuthorizerContext;
}

/** What the authorizer needs from its environment: the token table lookup's and last-use settings. */
export type TokenAuthorizerOptions = TokenLookupOptions &
  Pick<LastUseOptions, "budgetMs"> & {
    /** The API's routes (from the template, built in): deeper routes a `{name}` scope does not grant are denied. */
    routes?: readonly ApiRoute[];
  };

/**
 * Creates the authorizer function bound to a table and client.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 * import { createLogger } from "../shared/logger.js";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const authorize = createTokenAuthorizer({ documentClient, tableName: "auth-token", logger: createLogger("authorizer") });
 * const result = await authorize({
 *   type: "TOKEN",
 *   authorizationToken: "abc123",
 *   methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/PUT/user",
 * });
 * // result.policyDocument allows the token's scopes on the whole API, so API Gateway can cache it
 * ```
 */
export function createTokenAuthorizer(options: TokenAuthorizerOptions) {
  const { logger } = options;
  const findToken = createTokenLookup(options);
  const recordLastUse = createLastUseRecorder(options);

  return async function authorize(event: TokenAuthorizerEvent): Promise<AuthorizerResult> {
    const { record, tokenRef } = await findToken(event?.authorizationToken);
    if (record.agentId !== undefined) {
      logger.info("refused", {
        reason: "agent token without X-AgentID",
        token: tokenRef,
        agentId: record.agentId,
      });
      throw new UnauthorizedError("agent token without X-AgentID");
    }
    try {
      const result: AuthorizerResult = {
        principalId: record.principalId,
        policyDocument: buildAllowPolicy(event.methodArn, record.scopes, options.routes),
        context: record.context ?? {},
      };
      await recordLastUse(record, tokenRef);
      logger.info("allowed", { token: tokenRef, principalId: record.principalId, scopes: record.scopes });
      return result;
    } catch (error) {
      logger.error("cannot authorize", { token: tokenRef, error });
      throw error;
    }
  };
}
