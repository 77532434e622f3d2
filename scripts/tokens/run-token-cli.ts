/**
 * The token CLI's commands, with its input and output injectable so tests run it in-process.
 *
 * Output rules: `issue` prints the token and nothing else (or one JSON object with `--json`); no
 * other command ever prints a token, and nothing prints a whole digest.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestPrefix } from "../../handlers/shared/token.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";
import { issueToken, listTokens, revokeToken, type TokenSummary } from "../../lib/tokens/token-store.js";
import { parseTokenCommand, type TokenCommand, USAGE } from "./cli-args.js";
import { runJwtCommand } from "./jwt-command.js";
import { rotateToken } from "./rotate-token.js";
import { resolveTokenTarget, type TargetFlags } from "./token-target.js";

/** Where the CLI writes and how it finds its table. */
export interface TokenCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Default {@link resolveTokenTarget}. */
  resolveTarget?: (flags: TargetFlags) => TokenTarget | Promise<TokenTarget>;
  now?: () => number;
  /** The local JWT issuer's key file, for `jwt`. Default the one `make start` uses. */
  jwtKeyFile?: string;
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line is wrong. */
export type ExitCode = 0 | 1 | 2;

/**
 * Runs one token CLI command line and returns the exit code; every failure is one line on stderr.
 *
 * @example
 * ```ts
 * const code = await runTokenCli(["list", "--local"], { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
 * ```
 */
export async function runTokenCli(argv: readonly string[], io: TokenCliIo): Promise<ExitCode> {
  let command: TokenCommand;
  try {
    command = parseTokenCommand(argv);
  } catch (error) {
    io.stderr(`token: ${describe(error)}\n(npm run --silent token -- help shows the usage)\n`);
    return 2;
  }
  if (command.command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (command.command === "jwt") {
    // A local test JWT: signed with the local issuer's key, no table involved.
    try {
      io.stdout(`${runJwtCommand(command, io.jwtKeyFile)}\n`);
      return 0;
    } catch (error) {
      io.stderr(`token: ${describe(error)}\n`);
      return 1;
    }
  }
  let target: TokenTarget | undefined;
  try {
    target = await (io.resolveTarget ?? resolveTokenTarget)(command.target);
    await run(command, target, io);
    return 0;
  } catch (error) {
    io.stderr(`token: ${describe(error)}\n`);
    return 1;
  } finally {
    target?.close();
  }
}

async function run(
  command: Exclude<TokenCommand, { command: "help" | "jwt" }>,
  target: TokenTarget,
  io: TokenCliIo,
) {
  const { client, tableName } = target;
  switch (command.command) {
    case "issue": {
      const { token, record } = await issueToken(client, tableName, {
        principalId: command.principalId,
        ...(command.scopes ? { scopes: command.scopes } : {}),
        ...(command.expiresInSeconds !== undefined ? { expiresInSeconds: command.expiresInSeconds } : {}),
        ...(command.context ? { context: command.context } : {}),
        ...(command.description !== undefined ? { description: command.description } : {}),
        ...(command.agentId !== undefined ? { agentId: command.agentId } : {}),
        ...(io.now ? { now: io.now } : {}),
      });
      if (command.json) {
        const { tokenDigest, ...rest } = record;
        io.stdout(`${JSON.stringify({ token, digestPrefix: digestPrefix(tokenDigest), ...rest })}\n`);
      } else {
        io.stdout(`${token}\n`);
      }
      return;
    }
    case "rotate": {
      const { command: _rotate, target: _target, json, ...options } = command;
      const { token, record, revoked } = await rotateToken(client, tableName, {
        ...options,
        ...(io.now ? { now: io.now } : {}),
      });
      const prefixes = revoked.map((summary) => summary.digestPrefix);
      if (json) {
        const { tokenDigest, ...rest } = record;
        io.stdout(
          `${JSON.stringify({ token, digestPrefix: digestPrefix(tokenDigest), ...rest, revoked: prefixes })}\n`,
        );
      } else {
        // stdout carries the token alone (for TOKEN=$(...)); what was revoked goes to stderr.
        io.stdout(`${token}\n`);
        io.stderr(
          `revoked ${prefixes.join(", ")} (${command.principalId}) in ${target.description}; the gateway may ` +
            "still accept them until their cached policies expire (the authorizer TTL)\n",
        );
      }
      return;
    }
    case "revoke": {
      const revoked = await revokeToken(client, tableName, command.digestPrefix);
      io.stdout(
        command.json
          ? `${JSON.stringify(revoked)}\n`
          : `revoked ${revoked.digestPrefix} (${revoked.principalId}) in ${target.description}; ` +
              "the gateway may still accept it until its cached policy expires (the authorizer TTL)\n",
      );
      return;
    }
    case "list": {
      const tokens = await listTokens(client, tableName, io.now);
      io.stdout(command.json ? `${JSON.stringify(tokens)}\n` : formatTokenTable(tokens));
      return;
    }
  }
}

/**
 * Tokens as an aligned text table (digest prefix, principal, scopes, expiry, description).
 */
export function formatTokenTable(tokens: readonly TokenSummary[]): string {
  if (tokens.length === 0) return "no tokens\n";
  const rows = [
    ["DIGEST", "PRINCIPAL", "SCOPES", "EXPIRES", "DESCRIPTION"],
    ...tokens.map((token) => [
      token.digestPrefix,
      token.principalId,
      token.scopes.join(", "),
      token.expiresAt === undefined
        ? "never"
        : `${new Date(token.expiresAt * 1000).toISOString()}${token.expired ? " (expired)" : ""}`,
      token.problem ? `INVALID RECORD: ${token.problem}` : (token.description ?? ""),
    ]),
  ];
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

function describe(error: unknown): string {
  if (error instanceof ApigwTokenAuthError) {
    const details = [
      error.actual !== undefined ? `got ${error.actual}` : "",
      error.expected !== undefined ? `expected ${error.expected}` : "",
    ].filter(Boolean);
    return details.length > 0 ? `${error.message} (${details.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
