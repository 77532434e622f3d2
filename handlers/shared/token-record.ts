/**
 * The token table's item format, shared by the authorizer (reads), the token CLI (writes) and the
 * tests.
 *
 * | attribute     | type                 | meaning                                                        |
 * | ------------- | -------------------- | -------------------------------------------------------------- |
 * | `tokenDigest` | S, partition key     | SHA-256 hex digest of the token (never the token)              |
 * | `principalId` | S                    | who the token speaks for; the backend sees it as principalId   |
 * | `scopes`      | L of S               | methods it may call: `*`, or `<VERB> /<path>` (see scope.ts)   |
 * | `expiresAt`   | N, optional          | epoch seconds; also the table's TTL attribute                  |
 * | `context`     | M, optional          | string/number/boolean values handed to the backend             |
 * | `createdAt`   | S                    | ISO-8601 time of issue                                         |
 * | `description` | S, optional          | free text for operators                                        |
 * | `agentId`     | S, optional          | set on agent tokens: the one agent id the token is bound to    |
 * | `lastUsedAt`  | N, optional          | epoch seconds of the last authorization on a cache miss (≤ 1/h) |
 * | `replacedBy`  | S, optional          | set by `rotate --grace`: digest prefix of the token replacing it |
 *
 * The global secondary index {@link TOKEN_PRINCIPAL_INDEX} (key `principalId`, all attributes) finds
 * a principal's tokens without a scan.
 *
 * DynamoDB's TTL deletes expired items hours or days late, so expiry is always checked in code.
 */

import { type AuthorizerContext, parseAuthorizerContext } from "./authorizer-context.js";
import { ApigwTokenAuthError } from "./errors.js";
import { formatScope, parseScope } from "./scope.js";

/** The token table's partition key attribute. */
export const TOKEN_KEY_ATTRIBUTE = "tokenDigest";

/** The token table's TTL attribute (epoch seconds). */
export const TOKEN_EXPIRY_ATTRIBUTE = "expiresAt";

/** The token table's global secondary index on `principalId` (list by principal, rotate). */
export const TOKEN_PRINCIPAL_INDEX = "byPrincipal";

/** The one attribute the authorizers write: when a token was last used (epoch seconds). */
export const TOKEN_LAST_USED_ATTRIBUTE = "lastUsedAt";

/** A token record as stored in the token table. */
export interface TokenRecord {
  tokenDigest: string;
  principalId: string;
  scopes: string[];
  expiresAt?: number;
  context?: AuthorizerContext;
  createdAt: string;
  description?: string;
  /** Only on agent tokens: the REQUEST authorizer refuses the token with any other `X-AgentID`. */
  agentId?: string;
  /** Epoch seconds of the last authorization the authorizer recorded (at most one write per hour). */
  lastUsedAt?: number;
  /** Set by a rotation with grace: the digest prefix of the token that replaces this one. */
  replacedBy?: string;
}

const DIGEST = /^[0-9a-f]{64}$/;
/**
 * The format of a principal id, and of an agent id (an agent's id becomes its principalId): 1 to 128
 * printable ASCII characters without spaces.
 */
export const PRINCIPAL_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Validates an item read from the token table and returns it typed, scopes in canonical form.
 *
 * Throws an ApigwTokenAuthError for any item that does not have the documented shape: the
 * authorizer lets that become a 500, because a corrupt record must be fixed, not silently obeyed.
 *
 * @example
 * ```ts
 * import { UnauthorizedError } from "./errors.js";
 *
 * declare const item: Record<string, unknown>; // from GetItem on the token table
 * const record = parseTokenRecord(item);
 * if (isExpired(record, Date.now() / 1000)) throw new UnauthorizedError("expired token");
 * ```
 */
export function parseTokenRecord(item: Record<string, unknown>): TokenRecord {
  const {
    tokenDigest,
    principalId,
    scopes,
    expiresAt,
    context,
    createdAt,
    description,
    agentId,
    lastUsedAt,
    replacedBy,
  } = item;
  check(
    typeof tokenDigest === "string" && DIGEST.test(tokenDigest),
    "tokenDigest",
    "64 lowercase hex digits",
    tokenDigest,
  );
  check(
    typeof principalId === "string" && PRINCIPAL_ID_PATTERN.test(principalId),
    "principalId",
    "1 to 128 printable ASCII characters without spaces",
    principalId,
  );
  check(Array.isArray(scopes) && scopes.length > 0, "scopes", "a non-empty list of scopes", scopes);
  check(
    expiresAt === undefined || (typeof expiresAt === "number" && Number.isFinite(expiresAt)),
    "expiresAt",
    "epoch seconds",
    expiresAt,
  );
  check(typeof createdAt === "string", "createdAt", "an ISO-8601 time", createdAt);
  check(description === undefined || typeof description === "string", "description", "a string", description);
  check(
    agentId === undefined || (typeof agentId === "string" && PRINCIPAL_ID_PATTERN.test(agentId)),
    "agentId",
    "1 to 128 printable ASCII characters without spaces",
    agentId,
  );
  check(
    lastUsedAt === undefined || (typeof lastUsedAt === "number" && Number.isFinite(lastUsedAt)),
    "lastUsedAt",
    "epoch seconds",
    lastUsedAt,
  );
  check(
    replacedBy === undefined || typeof replacedBy === "string",
    "replacedBy",
    "a digest prefix",
    replacedBy,
  );
  const record: TokenRecord = {
    tokenDigest: tokenDigest as string,
    principalId: principalId as string,
    scopes: rethrowAsRecordError(() => (scopes as unknown[]).map((scope) => formatScope(parseScope(scope)))),
    createdAt: createdAt as string,
  };
  if (expiresAt !== undefined) record.expiresAt = expiresAt as number;
  if (context !== undefined) record.context = rethrowAsRecordError(() => parseAuthorizerContext(context));
  if (description !== undefined) record.description = description as string;
  if (agentId !== undefined) record.agentId = agentId as string;
  if (lastUsedAt !== undefined) record.lastUsedAt = lastUsedAt as number;
  if (replacedBy !== undefined) record.replacedBy = replacedBy as string;
  return record;
}

/**
 * Whether the record has expired at `nowEpochSeconds` (a record without `expiresAt` never does).
 */
export function isExpired(record: Pick<TokenRecord, "expiresAt">, nowEpochSeconds: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= nowEpochSeconds;
}

function check(ok: boolean, attribute: string, expected: string, value: unknown): asserts ok {
  if (!ok) {
    throw new ApigwTokenAuthError(`token record attribute "${attribute}" is invalid`, {
      expected,
      actual: value === undefined ? "missing" : Array.isArray(value) ? "a list" : typeof value,
    });
  }
}

function rethrowAsRecordError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ApigwTokenAuthError) {
      throw new ApigwTokenAuthError(`token record is invalid: ${error.message}`, {
        expected: error.expected,
        actual: error.actual,
        cause: error,
      });
    }
    throw error;
  }
}
