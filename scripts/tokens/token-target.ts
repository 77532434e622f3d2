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
import { readLocalState } from "../../lib/local-state.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";
import { resolveStackTokenTarget } from "./stack-target.js";

/** The target flags as parsed (see {@link TARGET_OPTIONS}). */
export interface TargetFlags {
  local?: boolean;
  stack?: string;
}

/** The stack output naming the token table, locally and (later) in AWS. */
export const TOKEN_TABLE_OUTPUT = "TokenTableName";

/** `node:util` parseArgs options for the target flags, shared by every command. */
export const TARGET_OPTIONS = {
  local: { type: "boolean" },
  stack: { type: "string" },
} as const;

/**
 * The token table the flags name. Throws an ApigwTokenAuthError when no target flag is given, and
 * an error saying how to start it for `--local` without a running local API.
 * `--stack` asks AWS (DescribeStacks, DescribeTable), so its target comes as a promise.
 */
export function resolveTokenTarget(
  flags: TargetFlags & { stack?: undefined },
  options?: { localStateFile?: string },
): TokenTarget;
export function resolveTokenTarget(
  flags: TargetFlags,
  options?: { localStateFile?: string },
): TokenTarget | Promise<TokenTarget>;
export function resolveTokenTarget(
  flags: TargetFlags,
  options: { localStateFile?: string } = {},
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
  const tableName = state.outputs[TOKEN_TABLE_OUTPUT];
  if (!tableName) {
    throw new ApigwTokenAuthError(`the local API's template has no ${TOKEN_TABLE_OUTPUT} output`, {
      expected: `an output ${TOKEN_TABLE_OUTPUT} naming the token table`,
      actual: Object.keys(state.outputs).join(", ") || "no outputs",
    });
  }
  const base = localDynamoDBClient(state.dynamodbEndpoint, state.region);
  return {
    client: DynamoDBDocumentClient.from(base),
    tableName,
    description: `the local API (${state.url})`,
    close: () => base.destroy(),
  };
}
