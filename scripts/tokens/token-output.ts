/**
 * What the token CLI prints: aligned tables of tokens and audit records, and one-line error texts.
 * Nothing here ever sees a token; tables show digest prefixes.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { AuditRecord } from "../../lib/tokens/token-audit.js";
import type { TokenSummary } from "../../lib/tokens/token-store.js";

/**
 * Tokens as an aligned text table (digest prefix, principal, scopes, expiry, last use, description).
 */
export function formatTokenTable(tokens: readonly TokenSummary[]): string {
  if (tokens.length === 0) return "no tokens\n";
  return alignedRows([
    ["DIGEST", "PRINCIPAL", "SCOPES", "EXPIRES", "LAST USED", "DESCRIPTION"],
    ...tokens.map((token) => [
      token.digestPrefix,
      token.principalId,
      token.scopes.join(", "),
      token.expiresAt === undefined
        ? "never"
        : `${isoTime(token.expiresAt)}${token.expired ? " (expired)" : ""}`,
      token.lastUsedAt === undefined ? "never" : isoTime(token.lastUsedAt),
      token.problem
        ? `INVALID RECORD: ${token.problem}`
        : [token.replacedBy ? `(replaced by ${token.replacedBy})` : "", token.description ?? ""]
            .filter(Boolean)
            .join(" "),
    ]),
  ]);
}

/**
 * Audit records as an aligned text table, oldest first.
 */
export function formatAuditTable(records: readonly AuditRecord[]): string {
  if (records.length === 0) return "no audit records\n";
  return alignedRows([
    ["TIME", "ACTION", "DIGEST", "PRINCIPAL", "ACTOR", "SCOPES", "EXPIRES", "REASON"],
    ...records.map((record) => [
      record.at,
      record.related ? `${record.action} (${relation(record)} ${record.related.join(", ")})` : record.action,
      record.digestPrefix,
      record.principalId,
      record.actor,
      record.scopes.join(", "),
      record.expiresAt === undefined ? "never" : isoTime(record.expiresAt),
      record.reason ?? "",
    ]),
  ]);
}

/**
 * One line for an error: the message, then what came and what was expected.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApigwTokenAuthError) {
    const details = [
      error.actual !== undefined ? `got ${error.actual}` : "",
      error.expected !== undefined ? `expected ${error.expected}` : "",
    ].filter(Boolean);
    return details.length > 0 ? `${error.message} (${details.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** An epoch-seconds time as ISO-8601. */
export function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

function relation(record: AuditRecord): string {
  return record.action === "rotate" ? "replaces" : "rotated to";
}

function alignedRows(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length))) ?? [];
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => cell.padEnd(widths[column] as number))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
