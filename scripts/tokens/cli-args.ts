/**
 * The token CLI's command line, parsed and checked into a typed command before anything touches a
 * table: every bad flag or value is one error naming it.
 */
import { parseArgs } from "node:util";
import { type AuthorizerContext, parseAuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import { agentTokenDefaults } from "./agent-token.js";
import { parseDuration } from "./duration.js";
import { JWT_USAGE, type JwtCommand, parseJwtCommand } from "./jwt-command.js";
import { TARGET_OPTIONS, type TargetFlags } from "./token-target.js";

/** A parsed command. */
export type TokenCommand =
  | {
      command: "issue";
      target: TargetFlags;
      json: boolean;
      principalId: string;
      scopes?: string[];
      expiresInSeconds?: number;
      context?: AuthorizerContext;
      description?: string;
      agentId?: string;
    }
  | JwtCommand
  | {
      command: "rotate";
      target: TargetFlags;
      json: boolean;
      principalId: string;
      scopes?: string[];
      expiresInSeconds?: number;
      context?: AuthorizerContext;
      description?: string;
    }
  | { command: "revoke"; target: TargetFlags; json: boolean; digestPrefix: string }
  | { command: "list"; target: TargetFlags; json: boolean }
  | { command: "help" };

/** Usage text, printed by `help` and after usage errors. */
export const USAGE = `Usage: npm run --silent token -- <command> <target> [options]

Commands:
  issue --principal <id> [--scope "<VERB> /<path>"]... [--expires-in 30d] [--context key=value]...
        [--description <text>] [--json]
        Prints the new token (only once: the table stores its SHA-256 digest).
        Without --scope the token may call every method.
  issue --agent-id <id> [...]         An agent token: bound to that X-AgentID, principal <id>,
                                      scope GET /agent/* unless --principal/--scope say otherwise.
  rotate --principal <id> [issue's options]
        Issues a new token for the principal (with its old tokens' scopes unless --scope is given),
        prints it, then revokes the principal's old tokens.
  revoke <digest-prefix> [--json]     Deletes the token whose digest starts with the prefix (see list).
  list [--json]                       Lists tokens: digest prefix, principal, scopes, expiry. Never tokens.
${JWT_USAGE}  help                                Shows this text.

Target:
  --local         the API started by make start
  --stack <name>  a stack deployed with make deploy (AWS_REGION and AWS credentials from the
                  standard SDK chain; throttled calls are retried with backoff)
`;

const COMMON = { ...TARGET_OPTIONS, json: { type: "boolean" }, help: { type: "boolean" } } as const;
const ISSUE = {
  ...COMMON,
  principal: { type: "string" },
  scope: { type: "string", multiple: true },
  "expires-in": { type: "string" },
  context: { type: "string", multiple: true },
  description: { type: "string" },
  "agent-id": { type: "string" },
} as const;

/**
 * Parses the arguments after `token --`; throws an ApigwTokenAuthError naming the flag (or, from
 * the shared parsers, the bad scope, context key or duration). The CLI exits 2 for any of them.
 *
 * @example
 * ```ts
 * parseTokenCommand(["issue", "--local", "--principal", "alice", "--scope", "PUT /user"]);
 * // { command: "issue", target: { local: true }, json: false, principalId: "alice", scopes: ["PUT /user"] }
 * ```
 */
export function parseTokenCommand(argv: readonly string[]): TokenCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case "issue":
      return parseIssue(rest);
    case "rotate":
      return { ...(parseIssue(rest) as Extract<TokenCommand, { command: "issue" }>), command: "rotate" };
    case "jwt":
      return parseJwtCommand(rest);
    case "revoke": {
      const { values, positionals } = parse(rest, COMMON, true);
      if (positionals.length !== 1) {
        throw new ApigwTokenAuthError("revoke takes one digest prefix", {
          expected: "token revoke <digest-prefix> (as token list shows it)",
          actual: positionals.length === 0 ? "none" : positionals.join(" "),
        });
      }
      return {
        command,
        target: targetOf(values),
        json: values.json === true,
        digestPrefix: positionals[0] as string,
      };
    }
    case "list": {
      const { values } = parse(rest, COMMON, false);
      return { command, target: targetOf(values), json: values.json === true };
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { command: "help" };
    default:
      throw new ApigwTokenAuthError(`unknown command ${JSON.stringify(command)}`, {
        expected: "issue, rotate, revoke, list or help",
        actual: JSON.stringify(command),
      });
  }
}

function parseIssue(argv: string[]): TokenCommand {
  const { values } = parse(argv, ISSUE, false);
  const agent = values["agent-id"] === undefined ? undefined : agentTokenDefaults(values["agent-id"]);
  const principalId = values.principal ?? agent?.principalId;
  if (principalId === undefined || principalId === "") {
    throw new ApigwTokenAuthError("issue needs --principal <id> (or --agent-id <id>)", {
      expected: "--principal <id>: who the token speaks for",
      actual: "none",
    });
  }
  const command: TokenCommand = {
    command: "issue",
    target: targetOf(values),
    json: values.json === true,
    principalId,
    ...(agent ? { agentId: agent.agentId, scopes: agent.scopes } : {}),
  };
  if (values.scope) command.scopes = values.scope.map((scope) => formatScope(parseScope(scope)));
  if (values["expires-in"] !== undefined) command.expiresInSeconds = parseDuration(values["expires-in"]);
  if (values.context) command.context = parseContextFlags(values.context);
  if (values.description !== undefined) command.description = values.description;
  return command;
}

/** `--context key=value` flags into a context object (values stay strings: the backend sees strings). */
function parseContextFlags(flags: string[]): AuthorizerContext {
  const context: Record<string, string> = {};
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    if (equals <= 0) {
      throw new ApigwTokenAuthError(`--context ${JSON.stringify(flag)} is not key=value`, {
        expected: "--context key=value",
        actual: JSON.stringify(flag),
      });
    }
    const key = flag.slice(0, equals);
    if (key in context) {
      throw new ApigwTokenAuthError(`--context ${key} is given twice`, {
        expected: "each key once",
        actual: key,
      });
    }
    context[key] = flag.slice(equals + 1);
  }
  return parseAuthorizerContext(context);
}

function targetOf(values: { local?: boolean; stack?: string }): TargetFlags {
  return {
    ...(values.local === undefined ? {} : { local: values.local }),
    ...(values.stack === undefined ? {} : { stack: values.stack }),
  };
}

type Options = Parameters<typeof parseArgs>[0] extends infer C
  ? C extends { options?: infer O }
    ? O
    : never
  : never;

function parse<T extends NonNullable<Options>>(argv: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--scopes'"); keep their first sentence.
    throw new ApigwTokenAuthError((error as Error).message.split(". ")[0] as string, {
      expected: "the options listed by token help",
      actual: argv.join(" ").slice(0, 200),
    });
  }
}
