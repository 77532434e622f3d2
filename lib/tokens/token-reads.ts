/**
 * Listing and looking up tokens in a token table, for the token CLI, `make start`, the tests and
 * the benchmark.
 *
 * Listings show digest prefixes, never a whole digest (and the table holds no token). A principal's
 * tokens are found through the `principalId` index; only a digest-prefix lookup and a listing of
 * every token scan the table.
 */
import { GetCommand, paginateQuery, paginateScan } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestPrefix } from "../../handlers/shared/token.js";
import {
  isExpired,
  parseTokenRecord,
  TOKEN_KEY_ATTRIBUTE,
  TOKEN_PRINCIPAL_INDEX,
  type TokenRecord,
} from "../../handlers/shared/token-record.js";
import { sendTokenRead, type TokenStore, type TokenSummary } from "./token-store.js";

/** A digest prefix shorter than this could name too many tokens to be a deliberate choice. */
const MIN_PREFIX_LENGTH = 6;

/**
 * Tokens as {@link TokenSummary}, oldest first: a principal's through the `principalId` index, or
 * every token (a scan). Never returns tokens (the table has none) nor whole digests.
 *
 * @example
 * ```ts
 * import type { TokenStore } from "./token-store.js";
 *
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
  return sendTokenRead(store.tableName, async () => {
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
export function summarizeItem(item: Record<string, unknown>, nowSeconds: number): TokenSummary {
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

/** The whole digest of the one token whose digest starts with `prefix` (a scan unless it is whole). */
export async function digestByPrefix(store: TokenStore, prefix: string): Promise<string> {
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

/** A token's raw item, read consistently; `undefined` when there is none. */
export async function getItem(
  store: TokenStore,
  digest: string,
): Promise<Record<string, unknown> | undefined> {
  return sendTokenRead(store.tableName, async () => {
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
  return sendTokenRead(store.tableName, async () => {
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
  return sendTokenRead(store.tableName, async () => {
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
