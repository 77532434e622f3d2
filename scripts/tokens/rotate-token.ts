/**
 * `token rotate`: issue a new token for a principal, then revoke the principal's old ones, in that
 * order, so the principal always holds a working token. The new token keeps the old tokens' scopes
 * unless others are given.
 *
 * API Gateway caches the authorizer's answer per token for the stack's AuthorizerTtlSeconds, so a
 * revoked token may keep working that long.
 */

import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { TokenRecord } from "../../handlers/shared/token-record.js";
import {
  type IssueTokenOptions,
  issueToken,
  listTokens,
  revokeToken,
  type TokenSummary,
} from "../../lib/tokens/token-store.js";

/** What a rotation did. */
export interface RotationResult {
  /** The new token: print it once, never log it. */
  token: string;
  record: TokenRecord;
  /** The old tokens, now revoked. */
  revoked: TokenSummary[];
}

/**
 * Rotates `options.principalId`'s tokens. Without `options.scopes`, the old tokens' scopes are kept
 * when they all agree; if they differ, the caller must say which scopes the new token gets.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const client: DynamoDBDocumentClient;
 * const { token, revoked } = await rotateToken(client, "demo-auth-token", { principalId: "alice" });
 * ```
 */
export async function rotateToken(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: IssueTokenOptions,
): Promise<RotationResult> {
  const old = (await listTokens(client, tableName)).filter(
    (token) => token.principalId === options.principalId,
  );
  if (old.length === 0) {
    throw new ApigwTokenAuthError(`principal ${options.principalId} has no token to rotate`, {
      expected: "a principal with at least one token (token list); use issue for a first token",
      actual: "no tokens",
    });
  }
  const scopes = options.scopes ?? commonScopes(old, options.principalId);
  const { token, record } = await issueToken(client, tableName, { ...options, scopes });
  const revoked: TokenSummary[] = [];
  for (const summary of old) {
    revoked.push(await revokeToken(client, tableName, summary.digestPrefix));
  }
  return { token, record, revoked };
}

function commonScopes(tokens: readonly TokenSummary[], principalId: string): string[] {
  const distinct = new Set(tokens.map((token) => JSON.stringify([...token.scopes].sort())));
  if (distinct.size !== 1) {
    throw new ApigwTokenAuthError(`principal ${principalId}'s tokens have different scopes`, {
      expected: "--scope for the new token",
      actual: [...distinct].join(" / "),
    });
  }
  return (tokens[0] as TokenSummary).scopes;
}
