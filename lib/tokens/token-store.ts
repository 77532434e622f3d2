/**
 * Issuing, revoking and listing tokens in a token table, for the token CLI, `make start`'s demo
 * token, the tests and the benchmark.
 *
 * The table never sees a token: only its digest (`digestToken`). `issueToken` is the one place a
 * token exists outside the caller's hands, and it returns it once. Listings show digest prefixes.
 * Every change goes through `writeTokenChange` with its audit record (lib/tokens/token-writes.ts).
 * A principal's tokens are found through the `principalId` index; only a digest-prefix revoke and a
 * listing of every token scan the table.
 */
import { GetCommand, paginateQuery, paginateScan } from "@aws-sdk/lib-dynamodb";
import { type AuthorizerContext, parseAuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import { digestPrefix, digestToken, generateToken } from "../../handlers/shared/token.js";
import {
  isExpired,
  parseTokenRecord,
  TOKEN_KEY_ATTRIBUTE,
  TOKEN_PRINCIPAL_INDEX,
  type TokenRecord,
} from "../../handlers/shared/token-record.js";
import { auditRecordFor } from "./token-audit.js";
import { type TokenWriteTarget, writeTokenChange } from "./token-writes.js";

/** A token table, a client that can reach it, and (for changes) who is acting. */
export type TokenStore = TokenWriteTarget;

/** A token table as the token CLI targets it. */
export interface TokenTarget extends TokenStore {
  /** For messages: `the local API (http://127.0.0.1:3000/v1)`. */
  description: string;
  /** The caller's identity for audit records: its AWS ARN on a stack, `local:<user>` locally. */
  actor(): Promise<string>;
  /** The token-audit table. */
  auditTableName: string;
  /** Flushes the API stage's authorizer cache and says what it flushed. */
  flushAuthorizerCache(): Promise<string>;
  /** Releases the clients. */
  close(): void;
}

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

/** A token as listings show it: everything but the token, the digest cut to its prefix. */
export interface TokenSummary {
  digestPrefix: string;
  principalId: string;
  scopes: string[];
  expiresAt?: number;
  expired: boolean;
  createdAt: string;
  description?: string;
  context?: AuthorizerContext;
  agentId?: string;
  /** Epoch seconds of the last use the authorizer recorded (at most hourly); absent if never used. */
  lastUsedAt?: number;
  /** Kept for a grace period after a rotation: the digest prefix of the token replacing it. */
  replacedBy?: string;
  /** Why the record is not one the authorizer accepts (it answers 500 for it); absent when valid. */
  problem?: string;
}

/** A digest prefix shorter than this could name too many tokens to be a deliberate choice. */
const MIN_PREFIX_LENGTH = 6;

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

/**
 * Tokens as {@link TokenSummary}, oldest first: a principal's through the `principalId` index, or
 * every token (a scan). Never returns tokens (the table has none) nor whole digests.
 *
 * @example
 * ```ts
 * declare const store: TokenStore;
 * for (const token of await listTokens(store, { principalId: "alice" })) {
 *   console.log(token.digestPrefix, token.scopes, token.lastUsedAt);
 * }
 * ```
 */
export async function listTokens(
  store: Pick<TokenStore, "client" | "tableName">,
  options: { principalId?: string; now?: () => number } = {},
): Promise<TokenSummary[]> {
  const { now = Date.now } = options;
  const items =
    options.principalId === undefined
      ? await scanItems(store)
      : await principalItems(store, options.principalId);
  return items
    .map((item) => summarizeItem(item, now() / 1000))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.digestPrefix.localeCompare(b.digestPrefix));
}

/**
 * A principal's token records through the `principalId` index, oldest first (eventually
 * consistent: a token issued a moment ago may be missing). Throws `TokenRecordError` for a corrupt
 * record.
 */
export async function principalTokens(
  store: Pick<TokenStore, "client" | "tableName">,
  principalId: string,
): Promise<TokenRecord[]> {
  return (await principalItems(store, principalId))
    .map(parseTokenRecord)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.tokenDigest.localeCompare(b.tokenDigest));
}

/**
 * Whether the table holds any token (one item read, not a scan of all).
 */
export async function hasTokens(store: Pick<TokenStore, "client" | "tableName">): Promise<boolean> {
  return send(store.tableName, async () => {
    for await (const page of paginateScan(
      { client: store.client, pageSize: 1 },
      { TableName: store.tableName, Limit: 1 },
    )) {
      if ((page.Items ?? []).length > 0) return true;
    }
    return false;
  });
}

/** A corrupt record is still listed (and can be revoked), with what is wrong with it. */
function summarizeItem(item: Record<string, unknown>, nowSeconds: number): TokenSummary {
  try {
    return summarize(parseTokenRecord(item), nowSeconds);
  } catch (error) {
    if (!(error instanceof ApigwTokenAuthError)) throw error;
    return {
      digestPrefix: digestPrefix(String(item[TOKEN_KEY_ATTRIBUTE])),
      principalId: String(item.principalId ?? ""),
      scopes: Array.isArray(item.scopes) ? item.scopes.map(String) : [],
      expired: false,
      createdAt: String(item.createdAt ?? ""),
      problem: error.message,
    };
  }
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

function summarize(record: TokenRecord, nowSeconds: number): TokenSummary {
  const summary: TokenSummary = {
    digestPrefix: digestPrefix(record.tokenDigest),
    principalId: record.principalId,
    scopes: record.scopes,
    expired: isExpired(record, nowSeconds),
    createdAt: record.createdAt,
  };
  if (record.expiresAt !== undefined) summary.expiresAt = record.expiresAt;
  if (record.description !== undefined) summary.description = record.description;
  if (record.context !== undefined) summary.context = record.context;
  if (record.agentId !== undefined) summary.agentId = record.agentId;
  if (record.lastUsedAt !== undefined) summary.lastUsedAt = record.lastUsedAt;
  if (record.replacedBy !== undefined) summary.replacedBy = record.replacedBy;
  return summary;
}

async function digestByPrefix(store: TokenStore, prefix: string): Promise<string> {
  if (!new RegExp(`^[0-9a-f]{${MIN_PREFIX_LENGTH},64}$`).test(prefix)) {
    throw new ApigwTokenAuthError("invalid digest prefix", {
      expected: `${MIN_PREFIX_LENGTH} to 64 lowercase hex characters, as token list shows them`,
      actual: JSON.stringify(prefix.slice(0, 70)),
    });
  }
  if (prefix.length === 64) return prefix;
  const matches = (await scanItems(store)).filter((item) =>
    String(item[TOKEN_KEY_ATTRIBUTE]).startsWith(prefix),
  );
  if (matches.length !== 1) {
    throw new ApigwTokenAuthError(
      matches.length === 0
        ? `no token has a digest starting with ${prefix}`
        : `${matches.length} tokens match ${prefix}`,
      {
        expected: "a digest prefix of exactly one token (see token list)",
        actual: `${matches.length} matches`,
      },
    );
  }
  return String((matches[0] as Record<string, unknown>)[TOKEN_KEY_ATTRIBUTE]);
}

async function getItem(store: TokenStore, digest: string): Promise<Record<string, unknown> | undefined> {
  return send(store.tableName, async () => {
    const response = await store.client.send(
      new GetCommand({
        TableName: store.tableName,
        Key: { [TOKEN_KEY_ATTRIBUTE]: digest },
        ConsistentRead: true,
      }),
    );
    return response.Item;
  });
}

async function scanItems(
  store: Pick<TokenStore, "client" | "tableName">,
): Promise<Record<string, unknown>[]> {
  return send(store.tableName, async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client: store.client },
      { TableName: store.tableName, ConsistentRead: true },
    )) {
      items.push(...(page.Items ?? []));
    }
    return items;
  });
}

async function principalItems(
  store: Pick<TokenStore, "client" | "tableName">,
  principalId: string,
): Promise<Record<string, unknown>[]> {
  return send(store.tableName, async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery(
      { client: store.client },
      {
        TableName: store.tableName,
        IndexName: TOKEN_PRINCIPAL_INDEX,
        KeyConditionExpression: "principalId = :principal",
        ExpressionAttributeValues: { ":principal": principalId },
      },
    )) {
      items.push(...(page.Items ?? []));
    }
    return items;
  });
}

/** Runs a DynamoDB read, turning its failure into an error that names the table. */
async function send<T>(tableName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const name = (cause as Error).name;
    const noIndex = /specified index/i.test((cause as Error).message);
    throw new ApigwTokenAuthError(
      name === "ResourceNotFoundException" || noIndex
        ? `token table ${tableName} (or its ${TOKEN_PRINCIPAL_INDEX} index) does not exist` +
            (noIndex ? ": a table made before the index (make deploy adds it; locally, delete DATA_DIR)" : "")
        : `token table ${tableName}: ${(cause as Error).message}`,
      { expected: "a reachable token table", actual: name, cause },
    );
  }
}
