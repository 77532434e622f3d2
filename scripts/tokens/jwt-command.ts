/**
 * The token CLI's `jwt` command: mints a test JWT signed by the local run's JWT test issuer, for
 * `GET /me` on the API started by `make start`. It needs no table and prints only the JWT.
 *
 * The key is the one `make start` uses (`.local/jwt-issuer/signing-key.json`, created by whichever
 * runs first), so the token is accepted by a local API running now or started later; no deployed
 * API trusts it.
 */
import { parseArgs } from "node:util";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { loadOrCreateSigningKey } from "../../lib/jwt/signing-key.js";
import { LOCAL_JWT_KEY_FILE, mintTestToken, type TestTokenOptions } from "../../lib/jwt/test-token.js";
import { parseDuration } from "./duration.js";

/** A parsed `jwt` command. */
export interface JwtCommand {
  command: "jwt";
  token: TestTokenOptions;
}

/** Usage lines of the `jwt` command, for the CLI's help text. */
export const JWT_USAGE = `  jwt [--sub <id>] [--group <name>]... [--oauth-scope <scope>]... [--expires-in 1h]
        Prints a test JWT from the local run's test issuer (for GET /me on make start).
`;

/**
 * Parses the arguments after `jwt`.
 */
export function parseJwtCommand(argv: readonly string[]): JwtCommand {
  let values: {
    sub?: string;
    group?: string[];
    "oauth-scope"?: string[];
    "expires-in"?: string;
    local?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        sub: { type: "string" },
        group: { type: "string", multiple: true },
        "oauth-scope": { type: "string", multiple: true },
        "expires-in": { type: "string" },
        // Accepted for symmetry with the other commands: the test issuer only exists locally.
        local: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new ApigwTokenAuthError((error as Error).message.split(". ")[0] as string, {
      expected: "--sub, --group, --oauth-scope, --expires-in",
      actual: argv.join(" ").slice(0, 200),
    });
  }
  // Claims are space-separated lists (scope, and groups in the authorizer's context): one word each.
  const words = [values.sub, ...(values.group ?? []), ...(values["oauth-scope"] ?? [])];
  const spaced = words.find((word) => word !== undefined && !/^\S+$/.test(word));
  if (spaced !== undefined) {
    throw new ApigwTokenAuthError("--sub, --group and --oauth-scope values must be one word each", {
      expected: "no spaces",
      actual: JSON.stringify(spaced),
    });
  }
  const token: TestTokenOptions = {};
  if (values.sub !== undefined) token.subject = values.sub;
  if (values.group) token.groups = values.group;
  if (values["oauth-scope"]) token.scopes = values["oauth-scope"];
  if (values["expires-in"] !== undefined) token.expiresInSeconds = parseDuration(values["expires-in"]);
  return { command: "jwt", token };
}

/**
 * Mints the JWT a parsed command asks for, with the local issuer's key from `keyFile`.
 */
export function runJwtCommand(command: JwtCommand, keyFile: string = LOCAL_JWT_KEY_FILE): string {
  return mintTestToken(loadOrCreateSigningKey(keyFile), command.token);
}
