/**
 * The token CLI's command line, parsed and checked into a typed command before anything touches a
 * table: every bad flag or value is one error naming it (exit 2).
 */
import { parseArgs } from "node:util";
import { type AuthorizerContext, parseAuthorizerContext } from "../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import { agentTokenDefaults, assertAgentScopes } from "./agent-token.js";
import { parseDuration } from "./duration.js";
import { EXPLAIN_USAGE, type ExplainCommand, parseExplainCommand } from "./explain-command.js";
import { JWT_USAGE, type JwtCommand, parseJwtCommand } from "./jwt-command.js";
import { TARGET_OPTIONS, type TargetFlags } from "./token-target.js";

/** What issue and rotate may set on a token. */
export interface TokenAttributeFlags {
  scopes?: string[];
  /** `null`: `--expires-in never`. */
  expiresInSeconds?: number | null;
  context?: AuthorizerContext;
  description?: string;
  agentId?: string;
}

interface Common {
  target: TargetFlags;
  json: boolean;
}

/** A parsed command. */
export type TokenCommand =
  | (Common &
      TokenAttributeFlags & { command: "issue"; principalId: string; scopes: string[]; reason?: string })
  | JwtCommand
  | (Common &
      TokenAttributeFlags & {
        command: "rotate";
        principalId: string;
        graceSeconds?: number;
        flush: boolean;
        reason?: string;
      })
  | (Common & {
      command: "revoke";
      digestPrefix?: string;
      tokenStdin: boolean;
      flush: boolean;
      reason?: string;
    })
  | (Common & { command: "list"; principalId?: string })
  | (Common & { command: "audit"; principalId?: string; sinceSeconds?: number })
  | { command: "flush"; target: TargetFlags }
  | ExplainCommand
  | { command: "help" };

/** Usage text, printed by `help` and after usage errors. */
export const USAGE = `Usage: npm run --silent token -- <command> <target> [options]

Commands:
  issue --principal <id> --scope "<VERB> /<path>"... [--expires-in 30d|never] [--context key=value]...
        [--description <text>] [--reason <text>] [--json]
        Prints the new token (only once: the table stores its SHA-256 digest). At least one --scope;
        --scope '*' grants every method. Tokens expire after 90 days unless --expires-in says otherwise.
  issue --agent-id <id> [...]         An agent token: bound to that X-AgentID, principal <id>, scope
                                      GET /agent/* unless --scope names other agent routes.
  rotate --principal <id> [--grace 1h] [issue's options] [--no-flush]
        A new token that keeps the old tokens' scopes, context, description, agent id and lifetime
        (flags override them); without --grace the old tokens are revoked at once (and the authorizer
        cache flushed), with it they stay valid that long. Prints the new token alone on stdout.
  revoke <digest-prefix> | --token-stdin  [--reason <text>] [--no-flush] [--json]
        Deletes the token (a prefix from list, or the token itself read from standard input, never
        from the command line), then flushes the API's authorizer cache so it stops working now.
  list [--principal <id>] [--json]    Tokens: digest prefix, principal, scopes, expiry, last use. Never tokens.
  audit [--principal <id>] [--since 7d] [--json]
                                      Who issued, rotated and revoked which token, when and why.
  flush                               Flushes the API's authorizer cache.
${EXPLAIN_USAGE}${JWT_USAGE}  help                                Shows this text.

Target:
  --local         the API started by make start
  --stack <name>  a stack deployed with make deploy (AWS_REGION and AWS credentials from the
                  standard SDK chain; throttled calls are retried with backoff)
`;

const COMMON = { ...TARGET_OPTIONS, json: { type: "boolean" }, help: { type: "boolean" } } as const;
const ATTRIBUTES = {
  ...COMMON,
  principal: { type: "string" },
  scope: { type: "string", multiple: true },
  "expires-in": { type: "string" },
  context: { type: "string", multiple: true },
  description: { type: "string" },
  "agent-id": { type: "string" },
  reason: { type: "string" },
} as const;
const ROTATE = { ...ATTRIBUTES, grace: { type: "string" }, "no-flush": { type: "boolean" } } as const;
const REVOKE = {
  ...COMMON,
  "token-stdin": { type: "boolean" },
  reason: { type: "string" },
  "no-flush": { type: "boolean" },
} as const;
const LIST = { ...COMMON, principal: { type: "string" } } as const;
const AUDIT = { ...COMMON, principal: { type: "string" }, since: { type: "string" } } as const;

/** `--expires-in never`: a token without expiry, on purpose. */
export const NEVER = "never";

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
      return parseRotate(rest);
    case "jwt":
      return parseJwtCommand(rest);
    case "explain":
      return parseExplainCommand(rest);
    case "revoke":
      return parseRevoke(rest);
    case "list": {
      const { values } = parse(rest, LIST, false);
      return {
        command,
        ...common(values),
        ...(values.principal === undefined ? {} : { principalId: principal(values.principal) }),
      };
    }
    case "audit": {
      const { values } = parse(rest, AUDIT, false);
      return {
        command,
        ...common(values),
        ...(values.principal === undefined ? {} : { principalId: principal(values.principal) }),
        ...(values.since === undefined ? {} : { sinceSeconds: parseDuration(values.since) }),
      };
    }
    case "flush": {
      const { values } = parse(rest, COMMON, false);
      return { command, target: targetOf(values) };
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { command: "help" };
    default:
      throw new ApigwTokenAuthError(`unknown command ${JSON.stringify(command)}`, {
        expected: "issue, rotate, revoke, list, audit, flush, explain, jwt or help",
        actual: JSON.stringify(command),
      });
  }
}

function parseIssue(argv: string[]): TokenCommand {
  const { values } = parse(argv, ATTRIBUTES, false);
  const agent = values["agent-id"] === undefined ? undefined : agentTokenDefaults(values["agent-id"]);
  const principalId = values.principal ?? agent?.principalId;
  if (principalId === undefined || principalId === "") {
    throw new ApigwTokenAuthError("issue needs --principal <id> (or --agent-id <id>)", {
      expected: "--principal <id>: who the token speaks for",
      actual: "none",
    });
  }
  const attributes = attributeFlags(values);
  const scopes = attributes.scopes ?? agent?.scopes;
  if (scopes === undefined) {
    throw new ApigwTokenAuthError("issue needs at least one --scope", {
      expected: `--scope "<VERB> /<path>" (for example "GET /user/{id}"), or --scope '*' for every method`,
      actual: "no --scope",
    });
  }
  if (agent) assertAgentScopes(scopes);
  return {
    command: "issue",
    ...common(values),
    ...attributes,
    principalId,
    scopes,
    ...(agent ? { agentId: agent.agentId } : {}),
    ...reasonOf(values),
  };
}

function parseRotate(argv: string[]): TokenCommand {
  const { values } = parse(argv, ROTATE, false);
  if (values.principal === undefined || values.principal === "") {
    throw new ApigwTokenAuthError("rotate needs --principal <id>", {
      expected: "--principal <id>: whose tokens to rotate",
      actual: "none",
    });
  }
  const attributes = attributeFlags(values);
  if (attributes.agentId !== undefined) {
    agentTokenDefaults(attributes.agentId);
    if (attributes.scopes) assertAgentScopes(attributes.scopes);
  }
  return {
    command: "rotate",
    ...common(values),
    ...attributes,
    principalId: principal(values.principal),
    ...(values.grace === undefined ? {} : { graceSeconds: parseDuration(values.grace) }),
    flush: values["no-flush"] !== true,
    ...reasonOf(values),
  };
}

function parseRevoke(argv: string[]): TokenCommand {
  const { values, positionals } = parse(argv, REVOKE, true);
  const tokenStdin = values["token-stdin"] === true;
  if (positionals.length !== (tokenStdin ? 0 : 1)) {
    throw new ApigwTokenAuthError(
      tokenStdin
        ? "revoke --token-stdin takes no digest prefix"
        : "revoke takes one digest prefix or --token-stdin",
      {
        expected:
          "token revoke <digest-prefix> (as token list shows it), or the token on stdin with --token-stdin",
        actual: positionals.length === 0 ? "none" : `${positionals.length} arguments`,
      },
    );
  }
  return {
    command: "revoke",
    ...common(values),
    ...(tokenStdin ? {} : { digestPrefix: positionals[0] as string }),
    tokenStdin,
    flush: values["no-flush"] !== true,
    ...reasonOf(values),
  };
}

function attributeFlags(values: {
  scope?: string[];
  "expires-in"?: string;
  context?: string[];
  description?: string;
  "agent-id"?: string;
}): TokenAttributeFlags {
  const flags: TokenAttributeFlags = {};
  if (values.scope) flags.scopes = [...new Set(values.scope.map((scope) => formatScope(parseScope(scope))))];
  const expiresIn = values["expires-in"];
  if (expiresIn !== undefined) flags.expiresInSeconds = expiresIn === NEVER ? null : parseDuration(expiresIn);
  if (values.context) flags.context = parseContextFlags(values.context);
  if (values.description !== undefined) flags.description = values.description;
  if (values["agent-id"] !== undefined) flags.agentId = values["agent-id"];
  return flags;
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

/** `--reason`: one line an auditor can read. */
function reasonOf(values: { reason?: string }): { reason?: string } {
  if (values.reason === undefined) return {};
  const reason = values.reason.trim();
  if (reason === "" || reason.length > 500 || /[\r\n]/.test(reason)) {
    throw new ApigwTokenAuthError("--reason must be one line of 1 to 500 characters", {
      expected: "one line of text",
      actual:
        reason === ""
          ? "empty"
          : `${reason.length} characters${/[\r\n]/.test(reason) ? " over several lines" : ""}`,
    });
  }
  return { reason };
}

function principal(value: string): string {
  if (value === "") {
    throw new ApigwTokenAuthError("--principal is empty", { expected: "--principal <id>", actual: "empty" });
  }
  return value;
}

function common(values: { local?: boolean; stack?: string; json?: boolean }): Common {
  return { target: targetOf(values), json: values.json === true };
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
      // Only the flags: a mistyped command line may hold a token pasted where it should not be.
      actual:
        argv
          .filter((arg) => arg.startsWith("--"))
          .join(" ")
          .slice(0, 200) || "no flags",
    });
  }
}
