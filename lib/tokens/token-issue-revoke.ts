/**
 * Issuing and revoking tokens in a token table, for the token CLI, `make start`'s demo token, the
 * tests and the benchmark.
 *
 * `issueToken` is the one place a token exists outside the caller's hands, and it returns it once;
 * the table keeps only its digest (`digestToken`). Every change goes through `writeTokenChange`
 * with its audit record (lib/tokens/token-writes.ts).
 */
import { type AuthorizerContext, parseAuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import { digestPrefix, digestToken, generateToken } from "../../handlers/shared/token.js";
import {
  parseTokenRecord,
  TOKEN_KEY_ATTRIBUTE,
  type TokenRecord,
} from "../../handlers/shared/token-record.js";
import { auditRecordFor } from "./token-audit.js";
import { digestByPrefix, getItem, summarizeItem } from "./token-reads.js";
import type { TokenStore, TokenSummary } from "./token-store.js";
import { writeTokenChange } from "./token-writes.js";

/** Tokens expire after this many seconds unless their issuer says otherwise: 90 days. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 90 * 86_400;

/** What a new token may do and for how long. */
export interface IssueTokenOptions {
  principalId: string;
  /** At least one; `*` grants every method. */
  scopes: readonly string[];
  /** Default {@link DEFAULT_TOKEN_LIFETIME_SECONDS}; `null` makes a token that never expires. */
  expiresInSeconds?: number | null;
  context?: AuthorizerContext;
  description?: string;
  /** Binds the token to this agent id: the agents' REQUEST authorizer accepts it with that X-AgentID only. */
  agentId?: string;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
}

/**
 * The record a new token would get (not yet stored) and the token. Throws an ApigwTokenAuthError
 * for a bad scope, context, principal or lifetime.
 */
export function newTokenRecord(options: IssueTokenOptions): { token: string; record: TokenRecord } {
  const { now = Date.now } = options;
  if (options.scopes.length === 0) {
    throw new ApigwTokenAuthError("a token needs at least one scope", {
      expected: 'one or more scopes ("*" grants every method)',
      actual: "none",
    });
  }
  const scopes = [...new Set(options.scopes.map((scope) => formatScope(parseScope(scope))))];
  const lifetime =
    options.expiresInSeconds === undefined ? DEFAULT_TOKEN_LIFETIME_SECONDS : options.expiresInSeconds;
  if (lifetime !== null && (!Number.isInteger(lifetime) || lifetime <= 0)) {
    throw new ApigwTokenAuthError("a token's lifetime must be a positive whole number of seconds", {
      expected: "a positive integer",
      actual: String(lifetime),
    });
  }
  const token = generateToken();
  const item: Record<string, unknown> = {
    [TOKEN_KEY_ATTRIBUTE]: digestToken(token),
    principalId: options.principalId,
    scopes,
    createdAt: new Date(now()).toISOString(),
  };
  if (lifetime !== null) item.expiresAt = Math.floor(now() / 1000) + lifetime;
  if (options.context !== undefined && Object.keys(options.context).length > 0) {
    item.context = parseAuthorizerContext(options.context);
  }
  if (options.description !== undefined) item.description = options.description;
  if (options.agentId !== undefined) item.agentId = options.agentId;
  // The authorizer's own reader checks the record, so nothing is stored that it would refuse.
  return { token, record: parseTokenRecord(item) };
}

/**
 * The Put of a new record: a digest collision is astronomically unlikely; never overwrite anyway.
 */
export function putNewRecord(tableName: string, record: TokenRecord) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...record },
      ConditionExpression: "attribute_not_exists(#key)",
      ExpressionAttributeNames: { "#key": TOKEN_KEY_ATTRIBUTE },
    },
  };
}

/**
 * Generates a token, stores its record (digest only) with its audit record, and returns the token,
 * once. Throws an ApigwTokenAuthError for bad options, before writing.
 *
 * @example
 * ```ts
 * import type { TokenStore } from "./token-store.js";
 *
 * declare const store: TokenStore; // client, tableName and (for the audit) audit table and actor
 * const { token, record } = await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] });
 * // token: shown once to whoever asked for it; record: what the table keeps (its digest, never the token)
 * ```
 */
export async function issueToken(
  store: TokenStore,
  options: IssueTokenOptions,
): Promise<{ token: string; record: TokenRecord }> {
  const { now = Date.now } = options;
  const { token, record } = newTokenRecord(options);
  const audits = store.audit ? [auditRecordFor("issue", record, store.audit, now())] : [];
  await writeTokenChange(store, [putNewRecord(store.tableName, record)], audits);
  return { token, record };
}

/** What a revoke names: the token's whole digest (from the token itself) or a digest prefix. */
export type RevokeSelector = { digest: string } | { prefix: string };

/**
 * Deletes one token, with its audit record, and returns its summary. A whole digest (or the token,
 * digested) is one GetItem and one delete; only a prefix scans the table to find the digest. Throws
 * an error when no token (or more than one) matches.
 *
 * @example
 * ```ts
 * import { digestToken } from "../../handlers/shared/token.js";
 * import type { TokenStore } from "./token-store.js";
 *
 * declare const store: TokenStore;
 * declare const leakedToken: string;
 * await revokeToken(store, { digest: digestToken(leakedToken) });
 * await revokeToken(store, { prefix: "ba7816bf8f01" }); // as token list shows it
 * ```
 */
export async function revokeToken(
  store: TokenStore,
  selector: RevokeSelector,
  now: () => number = Date.now,
): Promise<TokenSummary> {
  const digest = "digest" in selector ? selector.digest : await digestByPrefix(store, selector.prefix);
  const item = await getItem(store, digest);
  if (item === undefined) {
    throw new ApigwTokenAuthError(`no token has the digest ${digestPrefix(digest)}…`, {
      expected: "a token that exists (see token list)",
      actual: "no such token (already revoked or expired and deleted?)",
    });
  }
  const summary = summarizeItem(item, now() / 1000);
  const audits = store.audit ? [auditRecordFor("revoke", recordOrSummary(item), store.audit, now())] : [];
  await writeTokenChange(store, [deleteExisting(store.tableName, digest)], audits);
  return summary;
}

/**
 * The Delete of an existing record (a condition: a token revoked meanwhile fails the whole change).
 */
export function deleteExisting(tableName: string, digest: string) {
  return {
    Delete: {
      TableName: tableName,
      Key: { [TOKEN_KEY_ATTRIBUTE]: digest },
      ConditionExpression: "attribute_exists(#key)",
      ExpressionAttributeNames: { "#key": TOKEN_KEY_ATTRIBUTE },
    },
  };
}

/** The record for an audit entry; a corrupt one is audited with what could be read of it. */
function recordOrSummary(item: Record<string, unknown>): TokenRecord {
  try {
    return parseTokenRecord(item);
  } catch {
    return {
      tokenDigest: String(item[TOKEN_KEY_ATTRIBUTE]),
      principalId: String(item.principalId ?? "(invalid record)"),
      scopes: Array.isArray(item.scopes) ? item.scopes.map(String) : [],
      createdAt: String(item.createdAt ?? ""),
    };
  }
}
