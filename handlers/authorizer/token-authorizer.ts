/**
 * The TOKEN authorizer: looks the caller's token up in the token table and answers with a policy
 * for every method the token's scopes grant.
 *
 * Outcomes, as API Gateway turns them into responses:
 * - malformed, unknown or expired token → `Error("Unauthorized")` → 401;
 * - known token → Allow for all its scopes (cached by API Gateway for the authorizer TTL and
 *   re-evaluated for every later method, so the policy must cover them all);
 * - anything else (table unreachable, throttled, corrupt record) → another error → 500. Never Allow.
 */
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { AuthorizerContext } from "../shared/authorizer-context.js";
import { type TokenAuthError, TokenStoreError, UnauthorizedError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { buildAllowPolicy, type PolicyDocument } from "../shared/policy.js";
import { assertTokenFormat, digestPrefix, digestToken } from "../shared/token.js";
import { isExpired, parseTokenRecord, TOKEN_KEY_ATTRIBUTE } from "../shared/token-record.js";

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

/** What the authorizer needs from its environment. */
export interface TokenAuthorizerOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
}

/**
 * Creates the authorizer function bound to a table and client.
 *
 * @example
 * ```ts
 * const authorize = createTokenAuthorizer({ documentClient, tableName: "auth-token", logger });
 * const result = await authorize({ type: "TOKEN", authorizationToken: "abc123", methodArn });
 * ```
 */
export function createTokenAuthorizer(options: TokenAuthorizerOptions) {
  const { documentClient, tableName, logger, now = Date.now } = options;

  return async function authorize(event: TokenAuthorizerEvent): Promise<AuthorizerResult> {
    const token = event?.authorizationToken;
    try {
      assertTokenFormat(token);
    } catch (error) {
      logger.info("refused", { reason: "malformed token", detail: (error as TokenAuthError).actual });
      throw new UnauthorizedError("malformed token");
    }
    const digest = digestToken(token);
    const tokenRef = digestPrefix(digest);

    let item: Record<string, unknown> | undefined;
    try {
      const response = await documentClient.send(
        new GetCommand({
          TableName: tableName,
          Key: { [TOKEN_KEY_ATTRIBUTE]: digest },
          ConsistentRead: true,
        }),
      );
      item = response.Item;
    } catch (cause) {
      logger.error("token table unavailable", { token: tokenRef, error: cause });
      throw new TokenStoreError("token table unavailable", { cause });
    }
    if (item === undefined) {
      logger.info("refused", { reason: "unknown token", token: tokenRef });
      throw new UnauthorizedError("unknown token");
    }

    try {
      const record = parseTokenRecord(item);
      if (isExpired(record, now() / 1000)) {
        logger.info("refused", { reason: "expired token", token: tokenRef, principalId: record.principalId });
        throw new UnauthorizedError("expired token");
      }
      const result: AuthorizerResult = {
        principalId: record.principalId,
        policyDocument: buildAllowPolicy(event.methodArn, record.scopes),
        context: record.context ?? {},
      };
      logger.info("allowed", { token: tokenRef, principalId: record.principalId, scopes: record.scopes });
      return result;
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) {
        logger.error("cannot authorize", { token: tokenRef, error });
      }
      throw error;
    }
  };
}
