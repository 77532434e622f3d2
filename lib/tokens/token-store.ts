/**
 * What a token table is to the tooling (a table, a client that can reach it and, for changes, who
 * is acting), what listings show of a token, and how a failed read of the table is reported.
 *
 * The table never sees a token: only its digest (`digestToken`). Issuing and revoking are in
 * lib/tokens/token-issue-revoke.ts, listing and lookups in lib/tokens/token-reads.ts; every change
 * goes through `writeTokenChange` with its audit record (lib/tokens/token-writes.ts).
 */
import type { AuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { TOKEN_PRINCIPAL_INDEX } from "../../handlers/shared/token-record.js";
import type { TokenWriteTarget } from "./token-writes.js";

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

/** Runs a DynamoDB read, turning its failure into an error that names the table. */
export async function sendTokenRead<T>(tableName: string, call: () => Promise<T>): Promise<T> {
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
