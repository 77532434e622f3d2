/**
 * The token CLI's commands, with its input and output injectable so tests run it in-process.
 *
 * Output rules: `issue` and `rotate` print the token and nothing else on stdout (or one JSON object
 * with `--json`); no other command ever prints a token, and nothing prints a whole digest. A token
 * to revoke is read from standard input, never from the command line.
 * Exit codes: 0 done, 1 a table, the API or AWS failed (the message names what), 2 bad input.
 */
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { assertTokenFormat, digestPrefix, digestToken } from "../../handlers/shared/token.js";
import type { TokenRecord } from "../../handlers/shared/token-record.js";
import { commonClientConfig, regionFromEnv } from "../../lib/aws/aws-clients.js";
import { readAudit } from "../../lib/tokens/token-audit.js";
import { issueToken, type RevokeSelector, revokeToken } from "../../lib/tokens/token-issue-revoke.js";
import { listTokens } from "../../lib/tokens/token-reads.js";
import type { TokenStore, TokenTarget } from "../../lib/tokens/token-store.js";
import { parseTokenCommand, type TokenCommand, USAGE } from "./cli-args.js";
import { type ExplainIo, runExplain } from "./explain-command.js";
import { runJwtCommand } from "./jwt-command.js";
import { rotateToken } from "./rotate-token.js";
import { describeError, formatAuditTable, formatTokenTable, isoTime } from "./token-output.js";
import { resolveTokenTarget, type TargetFlags } from "./token-target.js";

export { formatTokenTable } from "./token-output.js";

/** Where the CLI reads and writes and how it finds its table. */
export interface TokenCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of standard input (for `revoke --token-stdin`, `explain --token-stdin`). Default: process.stdin. */
  readStdin?: () => Promise<string>;
  /** Default {@link resolveTokenTarget}. */
  resolveTarget?: (flags: TargetFlags) => TokenTarget | Promise<TokenTarget>;
  now?: () => number;
  /** The local JWT issuer's key file, for `jwt`. Default the one `make start` uses. */
  jwtKeyFile?: string;
  /** `explain`'s API stage and API Gateway client (tests replace them). */
  resolveApi?: ExplainIo["resolveApi"];
  apiGateway?: ExplainIo["apiGateway"];
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line (or stdin) is wrong. */
export type ExitCode = 0 | 1 | 2;

/** Bad input that is not on the command line: the token on standard input. */
class StdinTokenError extends ApigwTokenAuthError {}

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
  let selector: RevokeSelector | undefined;
  try {
    command = parseTokenCommand(argv);
    if (command.command === "revoke") selector = await revokeSelector(command, io);
  } catch (error) {
    const hint = error instanceof StdinTokenError ? "" : "\n(npm run --silent token -- help shows the usage)";
    io.stderr(`token: ${describeError(error)}${hint}\n`);
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
      io.stderr(`token: ${describeError(error)}\n`);
      return 1;
    }
  }
  let target: TokenTarget | undefined;
  try {
    target = await (io.resolveTarget ?? resolveTokenTarget)(command.target);
    await run(command, target, io, selector);
    return 0;
  } catch (error) {
    io.stderr(`token: ${describeError(error)}\n`);
    return 1;
  } finally {
    target?.close();
  }
}

async function run(
  command: Exclude<TokenCommand, { command: "help" | "jwt" }>,
  target: TokenTarget,
  io: TokenCliIo,
  selector: RevokeSelector | undefined,
) {
  const now = io.now ?? Date.now;
  const writer = async (reason: string | undefined): Promise<TokenStore> => ({
    ...target,
    audit: {
      tableName: target.auditTableName,
      actor: await target.actor(),
      ...(reason === undefined ? {} : { reason }),
    },
    warn: io.stderr,
  });
  switch (command.command) {
    case "issue": {
      const { command: _issue, target: _target, json, reason, ...options } = command;
      const { token, record } = await issueToken(await writer(reason), { ...options, now });
      if (record.expiresAt === undefined) {
        io.stderr(
          `warning: token ${digestPrefix(record.tokenDigest)} never expires (--expires-in never): revoke it when it is no longer needed\n`,
        );
      }
      io.stdout(json ? `${JSON.stringify(tokenJson(token, record))}\n` : `${token}\n`);
      return;
    }
    case "rotate": {
      const { command: _rotate, target: _target, json, reason, flush, ...options } = command;
      const result = await rotateToken(await writer(reason), { ...options, now });
      const prefixes = result.replaced.map((record) => digestPrefix(record.tokenDigest));
      const flushed =
        result.revoked && flush ? await flushAfter(target, `revoked ${prefixes.join(", ")}`) : undefined;
      if (json) {
        io.stdout(
          `${JSON.stringify({
            ...tokenJson(result.token, result.record),
            replaced: prefixes,
            revoked: result.revoked,
            ...(result.revoked ? {} : { graceUntil: result.replaced.map((record) => record.expiresAt) }),
            flushed: flushed ?? null,
          })}\n`,
        );
        return;
      }
      // stdout carries the token alone (for TOKEN=$(...)); what happened to the old ones goes to stderr.
      io.stdout(`${result.token}\n`);
      io.stderr(
        `rotated ${command.principalId} in ${target.description}: new token ${digestPrefix(result.record.tokenDigest)}; ` +
          (result.revoked
            ? `revoked ${prefixes.join(", ")}; ${flushed ?? notFlushed()}\n`
            : `${result.replaced
                .map(
                  (record) =>
                    `${digestPrefix(record.tokenDigest)} valid until ${isoTime(record.expiresAt as number)}`,
                )
                .join(", ")} (grace)\n`),
      );
      return;
    }
    case "revoke": {
      const revoked = await revokeToken(await writer(command.reason), selector as RevokeSelector, now);
      const flushed = command.flush ? await flushAfter(target, `revoked ${revoked.digestPrefix}`) : undefined;
      io.stdout(
        command.json
          ? `${JSON.stringify({ ...revoked, flushed: flushed ?? null })}\n`
          : `revoked ${revoked.digestPrefix} (${revoked.principalId}) in ${target.description}; ${flushed ?? notFlushed()}\n`,
      );
      return;
    }
    case "list": {
      const tokens = await listTokens(target, {
        now,
        ...(command.principalId === undefined ? {} : { principalId: command.principalId }),
      });
      io.stdout(command.json ? `${JSON.stringify(tokens)}\n` : formatTokenTable(tokens));
      return;
    }
    case "audit": {
      const records = await readAudit(target.client, target.auditTableName, {
        ...(command.principalId === undefined ? {} : { principalId: command.principalId }),
        ...(command.sinceSeconds === undefined ? {} : { sinceMs: now() - command.sinceSeconds * 1000 }),
      });
      io.stdout(command.json ? `${JSON.stringify(records)}\n` : formatAuditTable(records));
      return;
    }
    case "flush":
      io.stdout(`${await target.flushAuthorizerCache()}\n`);
      return;
    case "explain":
      await runExplain(command, target, {
        stdout: io.stdout,
        readStdin: io.readStdin ?? readProcessStdin,
        ...(io.now ? { now: io.now } : {}),
        ...(io.resolveApi ? { resolveApi: io.resolveApi } : {}),
        apiGateway: io.apiGateway ?? defaultApiGateway,
      });
      return;
  }
}

/** What `revoke` names: the token from stdin (digested here, never kept) or the prefix argument. */
async function revokeSelector(
  command: Extract<TokenCommand, { command: "revoke" }>,
  io: TokenCliIo,
): Promise<RevokeSelector> {
  if (!command.tokenStdin) return { prefix: command.digestPrefix as string };
  const token = (await (io.readStdin ?? readProcessStdin)()).trim();
  if (token === "") {
    throw new StdinTokenError("revoke --token-stdin read no token", {
      expected: 'the token on standard input, e.g. printf %s "$TOKEN" | token revoke --token-stdin',
      actual: "empty input",
    });
  }
  try {
    assertTokenFormat(token);
  } catch (error) {
    throw new StdinTokenError("the token on standard input has the wrong format", {
      expected: (error as ApigwTokenAuthError).expected,
      actual: (error as ApigwTokenAuthError).actual,
    });
  }
  return { digest: digestToken(token) };
}

function defaultApiGateway(): APIGatewayClient {
  return new APIGatewayClient(commonClientConfig({ region: regionFromEnv(process.env) }));
}

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("paste the token, then press Ctrl-D\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Flushes the authorizer cache after a completed change; a failure says the change itself is done. */
async function flushAfter(target: TokenTarget, done: string): Promise<string> {
  try {
    return await target.flushAuthorizerCache();
  } catch (cause) {
    throw new ApigwTokenAuthError(
      `${done} in ${target.description}, but flushing the authorizer cache failed: ${describeError(cause)}`,
      {
        expected:
          "a flushed cache; until it is, the gateway may accept the revoked token up to the authorizer TTL",
        actual: "run `token flush` with the same target to retry",
        cause,
      },
    );
  }
}

function notFlushed(): string {
  return "not flushed (--no-flush): the gateway may accept it until its cached policy expires (the authorizer TTL)";
}

function tokenJson(token: string, record: TokenRecord) {
  const { tokenDigest, ...rest } = record;
  return { token, digestPrefix: digestPrefix(tokenDigest), ...rest };
}
