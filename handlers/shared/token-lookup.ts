/**
 * Finding the valid token record for a presented token: the one lookup every token-table authorizer
 * (TOKEN and agent REQUEST) makes, with the same fail-closed rules.
 *
 * - malformed, unknown or expired token → {@link UnauthorizedError} (API Gateway: 401);
 * - the table cannot be read, or the record is corrupt → an ApigwTokenAuthError (API Gateway: 500,
 *   never Allow).
 *
 * Log lines carry the digest prefix, never the token.
 */
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError, UnauthorizedError } from "./errors.js";
import type { LogFields, Logger } from "./logger.js";
import { assertTokenFormat, digestPrefix, digestToken } from "./token.js";
import { isExpired, parseTokenRecord, TOKEN_KEY_ATTRIBUTE, type TokenRecord } from "./token-record.js";

/** What a token lookup needs from its environment. */
export interface TokenLookupOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
}

/** A valid, unexpired token record and the digest prefix to name it by in logs. */
export interface FoundToken {
  record: TokenRecord;
  tokenRef: string;
}

/**
 * Creates the lookup bound to a table and client. `logFields` are added to every log line it
 * writes (for example the agent id).
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 * import { createLogger } from "./logger.js";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const findToken = createTokenLookup({ documentClient, tableName: "auth-token", logger: createLogger("authorizer") });
 * const { record, tokenRef } = await findToken("the token the caller presented");
 * // record.scopes, record.context...; tokenRef is the digest prefix, the only form logs may carry
 * ```
 */
export function createTokenLookup(options: TokenLookupOptions) {
  const { documentClient, tableName, logger, now = Date.now } = options;

  return async function findToken(token: unknown, logFields: LogFields = {}): Promise<FoundToken> {
    try {
      assertTokenFormat(token);
    } catch (error) {
      logger.info("refused", {
        reason: "malformed token",
        detail: (error as ApigwTokenAuthError).actual,
        ...logFields,
      });
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
      logger.error("token table unavailable", { token: tokenRef, ...logFields, error: cause });
      throw new ApigwTokenAuthError("token table unavailable", {
        expected: `GetItem on ${tableName} to answer`,
        actual: cause instanceof Error ? cause.name : typeof cause,
        cause,
      });
    }
    if (item === undefined) {
      logger.info("refused", { reason: "unknown token", token: tokenRef, ...logFields });
      throw new UnauthorizedError("unknown token");
    }

    let record: TokenRecord;
    try {
      record = parseTokenRecord(item);
    } catch (error) {
      logger.error("cannot authorize", { token: tokenRef, ...logFields, error });
      throw error;
    }
    if (isExpired(record, now() / 1000)) {
      logger.info("refused", {
        reason: "expired token",
        token: tokenRef,
        principalId: record.principalId,
        ...logFields,
      });
      throw new UnauthorizedError("expired token");
    }
    return { record, tokenRef };
  };
}
