/**
 * Which token table the token CLI works on, chosen by a target flag:
 *
 * - `--local`: the table of the local API started by `make start` (found through `.local/state.json`).
 * - `--stack NAME`: the table named by a deployed stack's `TokenTableName` output (scripts/tokens/stack-target.ts).
 *
 * A new target adds its flag to {@link TARGET_OPTIONS} and one branch to {@link resolveTokenTarget}; the
 * commands only ever see a {@link TokenTarget}.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
import { localAdminClient } from "../../lib/local-admin-client.js";
import { type LocalState, readLocalState } from "../../lib/local-state.js";
import { localActor } from "../../lib/tokens/token-audit.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";
import { resolveStackTokenTarget } from "./stack-target.js";

/** The target flags as parsed (see {@link TARGET_OPTIONS}). */
export interface TargetFlags {
  local?: boolean;
  stack?: string;
}

/** The stack output naming the token table, locally and in AWS. */
export const TOKEN_TABLE_OUTPUT = "TokenTableName";

/** The stack output naming the token-audit table. */
export const TOKEN_AUDIT_TABLE_OUTPUT = "TokenAuditTableName";

/** `node:util` parseArgs options for the target flags, shared by every command. */
export const TARGET_OPTIONS = {
  local: { type: "boolean" },
  stack: { type: "string" },
} as const;

/**
 * The token table the flags name. Throws when no target flag is given, and
 * an error saying how to start it for `--local` without a running local API.
 * `--stack` asks AWS (DescribeStacks, DescribeTable), so its target comes as a promise.
 */
export function resolveTokenTarget(
  flags: TargetFlags & { stack?: undefined },
  options?: LocalTargetOptions,
): TokenTarget;
export function resolveTokenTarget(
  flags: TargetFlags,
  options?: LocalTargetOptions,
): TokenTarget | Promise<TokenTarget>;
export function resolveTokenTarget(
  flags: TargetFlags,
  options: LocalTargetOptions = {},
): TokenTarget | Promise<TokenTarget> {
  const chosen = Object.keys(TARGET_OPTIONS).filter((name) => flags[name as keyof TargetFlags] !== undefined);
  if (chosen.length !== 1) {
    throw new ApigwTokenAuthError(
      chosen.length === 0
        ? "say which token table to use: --local (the API started by make start) or --stack NAME (a deployed stack)"
        : `choose one of ${chosen.map((name) => `--${name}`).join(", ")}`,
      {
        expected: "exactly one of --local, --stack",
        actual: chosen.length === 0 ? "none" : chosen.join(", "),
      },
    );
  }
  if (flags.stack !== undefined) return resolveStackTokenTarget(flags.stack);
  const state = readLocalState(options.localStateFile);
  const tableName = requireLocalOutput(state, TOKEN_TABLE_OUTPUT, "the token table");
  const auditTableName = requireLocalOutput(state, TOKEN_AUDIT_TABLE_OUTPUT, "the token-audit table");
  const base = localDynamoDBClient(state.dynamodb, state.region);
  const flush = options.flushLocalAuthorizerCache ?? flushThroughAdminServer;
  return {
    client: DynamoDBDocumentClient.from(base),
    tableName,
    auditTableName,
    // DynamoDB Local has TransactWriteItems; the dynalite fallback does not (the audit record then goes first).
    supportsTransactions: state.dynamodb.capabilities.supportsTransactions,
    description: `the local API (${state.url})`,
    actor: async () => localActor(),
    flushAuthorizerCache: async () => {
      await flush(state);
      return `authorizer cache of the local API (${state.url}) flushed`;
    },
    close: () => base.destroy(),
  };
}

/** How the local target is found and flushed; replaceable for tests. */
export interface LocalTargetOptions {
  localStateFile?: string;
  /** Flushes the running local API's authorizer cache. Default: through its admin server. */
  flushLocalAuthorizerCache?: (state: LocalState) => Promise<void>;
}

function requireLocalOutput(state: LocalState, output: string, what: string): string {
  const value = state.outputs[output];
  if (!value) {
    throw new ApigwTokenAuthError(`the local API's template has no ${output} output`, {
      expected: `an output ${output} naming ${what}`,
      actual: Object.keys(state.outputs).join(", ") || "no outputs",
    });
  }
  return value;
}

/** The local API's admin server (127.0.0.1 only, per-run secret from the state file). */
async function flushThroughAdminServer(state: LocalState): Promise<void> {
  await localAdminClient(state).flushAuthorizerCache();
}
