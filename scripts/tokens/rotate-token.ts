/**
 * `token rotate`: a new token for a principal that keeps what the old ones had — scopes, context,
 * description, agent binding and lifetime — unless flags override them, and the old tokens revoked
 * (or, with `--grace`, kept valid a little longer so clients can switch over). The new record, the
 * old records' deletions or expiry changes and every audit record are one transaction: all or
 * nothing.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import { digestPrefix } from "../../handlers/shared/token.js";
import { isExpired, TOKEN_KEY_ATTRIBUTE, type TokenRecord } from "../../handlers/shared/token-record.js";
import { type AuditRecord, auditRecordFor } from "../../lib/tokens/token-audit.js";
import {
  deleteExisting,
  type IssueTokenOptions,
  newTokenRecord,
  putNewRecord,
} from "../../lib/tokens/token-issue-revoke.js";
import { principalTokens } from "../../lib/tokens/token-reads.js";
import type { TokenStore } from "../../lib/tokens/token-store.js";
import { type TokenWrite, writeTokenChange } from "../../lib/tokens/token-writes.js";

/** What the new token gets; every field left out is carried over from the old tokens. */
export interface RotateTokenOptions extends Partial<Omit<IssueTokenOptions, "principalId">> {
  principalId: string;
  /** Keep the old tokens valid this long (never longer than they already were) instead of deleting them. */
  graceSeconds?: number;
}

/** What a rotation did. */
export interface RotationResult {
  /** The new token: print it once, never log it. */
  token: string;
  record: TokenRecord;
  /** The old tokens: deleted (no grace) or now expiring at the end of the grace period. */
  replaced: TokenRecord[];
  /** Whether the old tokens were deleted (true) or kept for a grace period (false). */
  revoked: boolean;
}

/**
 * Rotates `options.principalId`'s active tokens. Throws when there are
 * none, or when they disagree on an attribute that no option settles (naming each difference).
 *
 * @example
 * ```ts
 * import type { TokenStore } from "../../lib/tokens/token-store.js";
 *
 * declare const store: TokenStore;
 * const { token, replaced } = await rotateToken(store, { principalId: "alice", graceSeconds: 3600 });
 * ```
 */
export async function rotateToken(store: TokenStore, options: RotateTokenOptions): Promise<RotationResult> {
  const { now = Date.now, principalId } = options;
  const nowSeconds = Math.floor(now() / 1000);
  const old = (await principalTokens(store, principalId)).filter(
    (record) => !isExpired(record, now() / 1000),
  );
  if (old.length === 0) {
    throw new ApigwTokenAuthError(`principal ${principalId} has no active token to rotate`, {
      expected: "a principal with at least one unexpired token (token list); use issue for a first token",
      actual: "no active tokens",
    });
  }
  // Tokens kept for a grace period by an earlier rotation are replaced too, but what the new token
  // keeps comes from the current ones (a graced token's shortened lifetime is not its lifetime).
  const current = old.filter((record) => record.replacedBy === undefined);
  const carried = carriedOver(current.length > 0 ? current : old, options);
  const { token, record } = newTokenRecord({ ...carried, principalId, now });
  const newPrefix = digestPrefix(record.tokenDigest);
  const oldPrefixes = old.map((oldRecord) => digestPrefix(oldRecord.tokenDigest));

  const writes: TokenWrite[] = [putNewRecord(store.tableName, record)];
  const audits: AuditRecord[] = [];
  const audit = store.audit;
  if (audit) audits.push(auditRecordFor("rotate", record, audit, now(), oldPrefixes));
  const replaced: TokenRecord[] = [];
  for (const oldRecord of old) {
    if (options.graceSeconds === undefined) {
      writes.push(deleteExisting(store.tableName, oldRecord.tokenDigest));
      replaced.push(oldRecord);
      if (audit) audits.push(auditRecordFor("revoke", oldRecord, audit, now(), [newPrefix]));
      continue;
    }
    const expiresAt = Math.min(
      oldRecord.expiresAt ?? Number.POSITIVE_INFINITY,
      nowSeconds + options.graceSeconds,
    );
    const graced = { ...oldRecord, expiresAt, replacedBy: newPrefix };
    writes.push({
      Update: {
        TableName: store.tableName,
        Key: { [TOKEN_KEY_ATTRIBUTE]: oldRecord.tokenDigest },
        UpdateExpression: "SET expiresAt = :expiresAt, replacedBy = :replacedBy",
        ConditionExpression: "attribute_exists(#key)",
        ExpressionAttributeNames: { "#key": TOKEN_KEY_ATTRIBUTE },
        ExpressionAttributeValues: { ":expiresAt": expiresAt, ":replacedBy": newPrefix },
      },
    });
    replaced.push(graced);
    if (audit) audits.push(auditRecordFor("grace", graced, audit, now(), [newPrefix]));
  }
  await writeTokenChange(store, writes, audits);
  return { token, record, replaced, revoked: options.graceSeconds === undefined };
}

type Carried = Omit<IssueTokenOptions, "principalId" | "now">;

/** The attributes the new token gets: the options', else the old tokens' common value. */
function carriedOver(old: readonly TokenRecord[], options: RotateTokenOptions): Carried {
  const attributes: { name: string; flag: string; given: boolean; of: (record: TokenRecord) => unknown }[] = [
    {
      name: "scopes",
      flag: "--scope",
      given: options.scopes !== undefined,
      of: (record) => [...record.scopes].sort(),
    },
    { name: "lifetime", flag: "--expires-in", given: options.expiresInSeconds !== undefined, of: lifetimeOf },
    {
      name: "context",
      flag: "--context",
      given: options.context !== undefined,
      of: (record) => record.context,
    },
    {
      name: "description",
      flag: "--description",
      given: options.description !== undefined,
      of: (record) => record.description,
    },
    {
      name: "agentId",
      flag: "--agent-id",
      given: options.agentId !== undefined,
      of: (record) => record.agentId,
    },
  ];
  const differences: string[] = [];
  const flags: string[] = [];
  for (const attribute of attributes) {
    if (attribute.given) continue;
    const values = [...new Set(old.map((record) => JSON.stringify(attribute.of(record)) ?? "none"))];
    if (values.length > 1) {
      differences.push(`${attribute.name} (${values.join(" / ")})`);
      flags.push(attribute.flag);
    }
  }
  if (differences.length > 0) {
    throw new ApigwTokenAuthError(
      `principal ${options.principalId}'s active tokens disagree on ${differences.join(", ")}`,
      {
        expected: `${flags.join(", ")} to say what the new token gets`,
        actual: `${old.length} tokens that differ`,
      },
    );
  }
  const first = old[0] as TokenRecord;
  const carried: Carried = {
    scopes: (options.scopes ?? first.scopes).map((scope) => formatScope(parseScope(scope))),
    expiresInSeconds: options.expiresInSeconds !== undefined ? options.expiresInSeconds : lifetimeOf(first),
  };
  const context = options.context ?? first.context;
  if (context !== undefined) carried.context = context;
  const description = options.description ?? first.description;
  if (description !== undefined) carried.description = description;
  const agentId = options.agentId ?? first.agentId;
  if (agentId !== undefined) carried.agentId = agentId;
  return carried;
}

/** A token's lifetime in whole seconds (expiry minus issue time), or null for a token that never expires. */
function lifetimeOf(record: TokenRecord): number | null {
  if (record.expiresAt === undefined) return null;
  return Math.max(1, record.expiresAt - Math.floor(Date.parse(record.createdAt) / 1000));
}
