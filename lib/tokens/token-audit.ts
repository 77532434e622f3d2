/**
 * The token-audit table: one record per token change (issue, rotate, grace, revoke), written in the
 * same DynamoDB transaction as the change itself (lib/tokens/token-writes.ts), and read by
 * `token audit`.
 *
 * | attribute      | type             | meaning                                                          |
 * | -------------- | ---------------- | ---------------------------------------------------------------- |
 * | `principalId`  | S, partition key | whose token changed                                              |
 * | `auditId`      | S, sort key      | `<ISO time>#<digest prefix>#<action>`: sorts by time             |
 * | `at`           | S                | ISO-8601 time of the change                                      |
 * | `action`       | S                | `issue`, `rotate` (the new token), `grace`, `revoke`             |
 * | `digestPrefix` | S                | the token's 12-character digest prefix (never the token)         |
 * | `scopes`       | L of S           | the token's scopes                                               |
 * | `expiresAt`    | N, optional      | the token's expiry after the change (epoch seconds)              |
 * | `actor`        | S                | the caller's AWS identity ARN, or `local:<user>` locally         |
 * | `reason`       | S, optional      | `--reason`                                                       |
 * | `agentId`      | S, optional      | set for agent tokens                                             |
 * | `related`      | L of S, optional | rotate: the digest prefixes replaced; grace/revoke by rotate: the new one |
 */
import { userInfo } from "node:os";
import { type DynamoDBDocumentClient, paginateQuery, paginateScan } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestPrefix } from "../../handlers/shared/token.js";
import type { TokenRecord } from "../../handlers/shared/token-record.js";

/** What happened to a token. */
export type AuditAction = "issue" | "rotate" | "grace" | "revoke";

/** One audit record as stored. */
export interface AuditRecord {
  principalId: string;
  auditId: string;
  at: string;
  action: AuditAction;
  digestPrefix: string;
  scopes: string[];
  expiresAt?: number;
  actor: string;
  reason?: string;
  agentId?: string;
  related?: string[];
}

/** Who changes tokens, and why: every write of the token store carries it. */
export interface AuditContext {
  /** The token-audit table. */
  tableName: string;
  /** The caller's AWS identity ARN on a stack, `local:<user>` locally. */
  actor: string;
  /** The operator's `--reason`, if any. */
  reason?: string;
}

/**
 * The audit record of a change to `record` (the token as it is after the change; for a revoke, as it
 * was).
 */
export function auditRecordFor(
  action: AuditAction,
  record: TokenRecord,
  audit: AuditContext,
  nowMs: number,
  related?: readonly string[],
): AuditRecord {
  const at = new Date(nowMs).toISOString();
  const prefix = digestPrefix(record.tokenDigest);
  const entry: AuditRecord = {
    principalId: record.principalId,
    auditId: `${at}#${prefix}#${action}`,
    at,
    action,
    digestPrefix: prefix,
    scopes: record.scopes,
    actor: audit.actor,
  };
  if (record.expiresAt !== undefined) entry.expiresAt = record.expiresAt;
  if (audit.reason !== undefined) entry.reason = audit.reason;
  if (record.agentId !== undefined) entry.agentId = record.agentId;
  if (related !== undefined && related.length > 0) entry.related = [...related];
  return entry;
}

/**
 * The actor of audit records written on this machine's local run: `local:<os user>`.
 */
export function localActor(): string {
  return `local:${userInfo().username}`;
}

/** Which audit records to read. */
export interface AuditQuery {
  /** Only this principal's records (a Query); otherwise every principal's (a Scan: audit is no hot path). */
  principalId?: string;
  /** Only records at or after this time (epoch milliseconds). */
  sinceMs?: number;
}

/**
 * The audit records the query selects, oldest first.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const client: DynamoDBDocumentClient;
 * const lastWeek = await readAudit(client, "demo-token-audit", {
 *   principalId: "alice",
 *   sinceMs: Date.now() - 7 * 86_400_000,
 * });
 * ```
 */
export async function readAudit(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: AuditQuery = {},
): Promise<AuditRecord[]> {
  const since = new Date(query.sinceMs ?? 0).toISOString();
  const records: AuditRecord[] = [];
  try {
    const pages =
      query.principalId !== undefined
        ? paginateQuery(
            { client },
            {
              TableName: tableName,
              KeyConditionExpression: "principalId = :principal AND auditId >= :since",
              ExpressionAttributeValues: { ":principal": query.principalId, ":since": since },
            },
          )
        : paginateScan(
            { client },
            {
              TableName: tableName,
              FilterExpression: "#at >= :since",
              ExpressionAttributeNames: { "#at": "at" },
              ExpressionAttributeValues: { ":since": since },
            },
          );
    for await (const page of pages) records.push(...((page.Items ?? []) as AuditRecord[]));
  } catch (cause) {
    throw new ApigwTokenAuthError(`token-audit table ${tableName}: ${(cause as Error).message}`, {
      expected: "a readable token-audit table",
      actual: (cause as Error).name,
      cause,
    });
  }
  return records.sort((a, b) => a.at.localeCompare(b.at) || a.auditId.localeCompare(b.auditId));
}
