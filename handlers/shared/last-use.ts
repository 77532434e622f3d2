/**
 * Recording when a token was last used: on a cache miss that ends in Allow, the authorizer sets the
 * record's `lastUsedAt`, at most once an hour per token, so `token list` can show stale tokens.
 *
 * The write is a side matter of authorization, never part of it:
 * - it is skipped when the record says the token was used less than an hour ago (no write at all);
 * - it is conditional (`lastUsedAt` missing or older than an hour), so concurrent cold authorizers
 *   write once between them;
 * - it has a short time budget (it sits on the request's path), after which it is abandoned;
 * - any failure is logged and swallowed: the decision is already made.
 *
 * It touches only the key and `lastUsedAt` and returns nothing, which is all the authorizer roles
 * may do (`dynamodb:Attributes` and `dynamodb:ReturnValues` conditions in the template).
 */
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LogFields, Logger } from "./logger.js";
import { TOKEN_KEY_ATTRIBUTE, TOKEN_LAST_USED_ATTRIBUTE, type TokenRecord } from "./token-record.js";

/** A token's last use is written at most this often. */
export const LAST_USE_INTERVAL_SECONDS = 3600;

/** How long the authorizer waits for the write before abandoning it. */
export const LAST_USE_BUDGET_MS = 150;

/** What the recorder needs. */
export interface LastUseOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
  /** Default {@link LAST_USE_BUDGET_MS}. */
  budgetMs?: number;
}

/**
 * Creates the recorder bound to a table. It resolves (never rejects) once the write is done,
 * skipped, refused or abandoned.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 * import { createLogger } from "./logger.js";
 * import type { TokenRecord } from "./token-record.js";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * declare const record: TokenRecord;
 * const recordLastUse = createLastUseRecorder({ documentClient, tableName: "auth-token", logger: createLogger("authorizer") });
 * await recordLastUse(record, "ba7816bf8f01"); // before returning Allow
 * ```
 */
export function createLastUseRecorder(options: LastUseOptions) {
  const { documentClient, tableName, logger, now = Date.now, budgetMs = LAST_USE_BUDGET_MS } = options;

  return async function recordLastUse(record: TokenRecord, tokenRef: string, logFields: LogFields = {}) {
    const nowSeconds = Math.floor(now() / 1000);
    const hourAgo = nowSeconds - LAST_USE_INTERVAL_SECONDS;
    if (record.lastUsedAt !== undefined && record.lastUsedAt > hourAgo) return;
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [TOKEN_KEY_ATTRIBUTE]: record.tokenDigest },
          UpdateExpression: `SET ${TOKEN_LAST_USED_ATTRIBUTE} = :now`,
          // The record must still exist (a revoke in between must not resurrect a stub item).
          ConditionExpression: `attribute_exists(${TOKEN_KEY_ATTRIBUTE}) AND (attribute_not_exists(${TOKEN_LAST_USED_ATTRIBUTE}) OR ${TOKEN_LAST_USED_ATTRIBUTE} <= :hourAgo)`,
          ExpressionAttributeValues: { ":now": nowSeconds, ":hourAgo": hourAgo },
          ReturnValues: "NONE",
        }),
        { abortSignal: AbortSignal.timeout(budgetMs) },
      );
      logger.debug("last use recorded", { token: tokenRef, ...logFields });
    } catch (error) {
      const name = (error as Error).name;
      if (name === "ConditionalCheckFailedException") {
        logger.debug("last use already recorded (or token revoked)", { token: tokenRef, ...logFields });
        return;
      }
      logger.warn("last use not recorded", {
        token: tokenRef,
        ...logFields,
        reason: name === "AbortError" || name === "TimeoutError" ? `over the ${budgetMs} ms budget` : name,
        error,
      });
    }
  };
}
