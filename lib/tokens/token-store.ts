/**
 * Issuing, revoking and listing tokens in a token table, for the token CLI, `make start`'s demo
 * token, the tests and the benchmark.
 *
 * The table never sees a token: only its digest (`digestToken`). `issueToken` is the one place a
 * token exists outside the caller's hands, and it returns it once. Listings show digest prefixes.
 */

import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { type AuthorizerContext, parseAuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { ALL_METHODS_SCOPE, formatScope, parseScope } from "../../handlers/shared/scope.js";
import { digestPrefix, digestToken, generateToken } from "../../handlers/shared/token.js";
import {
  isExpired,
  parseTokenRecord,
  TOKEN_KEY_ATTRIBUTE,
  type TokenRecord,
} from "../../handlers/shared/token-record.js";

/** A token table and a client that can reach it. */
export interface TokenTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** For messages: `the local API (http://127.0.0.1:3000/v1)`. */
  description: string;
  /** Releases the client. */
  close(): void;
}

/** What a new token may do and for how long. */
export interface IssueTokenOptions {
  principalId: string;
  /** Default: every method (`*`). */
  scopes?: readonly string[];
  /** Default: never expires. */
  expiresInSeconds?: number;
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
  /** Why the record is not one the authorizer accepts (it answers 500 for it); absent when valid. */
  problem?: string;
}

/** A digest prefix shorter than this could name too many tokens to be a deliberate choice. */
const MIN_PREFIX_LENGTH = 6;

/**
 * Generates a token, stores its record (digest only) and returns the token, once.
 * Throws an ApigwTokenAuthError for a bad scope, context, principal or lifetime, before writing.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const { token, record } = await issueToken(documentClient, "local-auth-token", {
 *   principalId: "alice",
 *   scopes: ["PUT /user"],
 * });
 * // token: shown once to whoever asked for it; record: what the table keeps (its digest, never the token)
 * ```
 */
export async function issueToken(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: IssueTokenOptions,
): Promise<{ token: string; record: TokenRecord }> {
  const { now = Date.now } = options;
  const scopes = [
    ...new Set((options.scopes ?? [ALL_METHODS_SCOPE]).map((scope) => formatScope(parseScope(scope)))),
  ];
  const lifetime = options.expiresInSeconds;
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime <= 0)) {
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
  if (lifetime !== undefined) item.expiresAt = Math.floor(now() / 1000) + lifetime;
  if (options.context !== undefined && Object.keys(options.context).length > 0) {
    item.context = parseAuthorizerContext(options.context);
  }
  if (options.description !== undefined) item.description = options.description;
  if (options.agentId !== undefined) item.agentId = options.agentId;
  // The authorizer's own reader checks the record, so nothing is stored that it would refuse.
  const record = parseTokenRecord(item);
  await send(tableName, () =>
    client.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        // A digest collision is astronomically unlikely; never overwrite another token's record anyway.
        ConditionExpression: "attribute_not_exists(#key)",
        ExpressionAttributeNames: { "#key": TOKEN_KEY_ATTRIBUTE },
      }),
    ),
  );
  return { token, record };
}

/**
 * Deletes the one token whose digest starts with `prefix` (as `listTokens` shows it) and returns
 * its summary. Throws when no token or more than one matches.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * await revokeToken(documentClient, "local-auth-token", "ba7816bf8f01");
 * ```
 */
export async function revokeToken(
  client: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
): Promise<TokenSummary> {
  if (!new RegExp(`^[0-9a-f]{${MIN_PREFIX_LENGTH},64}$`).test(prefix)) {
    throw new ApigwTokenAuthError("invalid digest prefix", {
      expected: `${MIN_PREFIX_LENGTH} to 64 lowercase hex characters, as token list shows them`,
      actual: JSON.stringify(prefix.slice(0, 70)),
    });
  }
  const matches = (await scanItems(client, tableName)).filter((item) =>
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
  const item = matches[0] as Record<string, unknown>;
  await send(tableName, () =>
    client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { [TOKEN_KEY_ATTRIBUTE]: item[TOKEN_KEY_ATTRIBUTE] },
        ConditionExpression: "attribute_exists(#key)",
        ExpressionAttributeNames: { "#key": TOKEN_KEY_ATTRIBUTE },
      }),
    ),
  );
  return summarizeItem(item, Date.now() / 1000);
}

/**
 * Every token of the table as {@link TokenSummary}, oldest first. Never returns tokens (the table
 * has none) nor whole digests.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * for (const token of await listTokens(documentClient, "local-auth-token")) {
 *   console.log(token.digestPrefix, token.principalId, token.scopes);
 * }
 * ```
 */
export async function listTokens(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => number = Date.now,
): Promise<TokenSummary[]> {
  const items = await scanItems(client, tableName);
  return items
    .map((item) => summarizeItem(item, now() / 1000))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.digestPrefix.localeCompare(b.digestPrefix));
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
  return summary;
}

async function scanItems(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  return send(tableName, async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  });
}

/** Runs a DynamoDB call, turning its failure into an error that names the table. */
async function send<T>(tableName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const name = (cause as Error).name;
    throw new ApigwTokenAuthError(
      name === "ResourceNotFoundException"
        ? `token table ${tableName} does not exist`
        : `token table ${tableName}: ${(cause as Error).message}`,
      { expected: "a reachable token table", actual: name, cause },
    );
  }
}
