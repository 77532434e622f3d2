/**
 * The JWT authorizer's configuration, read from the environment the template gives the function.
 *
 * Two ways to name the issuer, exactly one of which must be used:
 * - a Cognito user pool: `JWT_USER_POOL_ID` and `JWT_CLIENT_ID` (the app client); the issuer and
 *   JWKS URL follow from the pool id, and the client is checked in `aud` (ID tokens) or
 *   `client_id` (access tokens);
 * - any OIDC-style issuer: `JWT_ISSUER`, `JWT_AUDIENCE` (checked in `aud`) and optionally
 *   `JWT_JWKS_URI` (default `<issuer>/.well-known/jwks.json`).
 *
 * `JWT_TOKEN_USE` (`id` or `access`) is the `token_use` claim tokens must carry: required for a
 * user pool, optional for a generic issuer (many put no `token_use` in their tokens).
 * `JWT_METHOD_RULES` says which methods a token may call (see method-rules.ts).
 *
 * An empty variable counts as unset: the template passes empty parameters through as "".
 */
import { ApigwTokenAuthError } from "../shared/errors.js";
import { type MethodRule, parseMethodRules } from "./method-rules.js";

/** The `token_use` values Cognito issues. */
export const TOKEN_USES = ["id", "access"] as const;

/** A `token_use` value. */
export type TokenUse = (typeof TOKEN_USES)[number];

/** Where tokens come from and what they must say. */
export type JwtIssuerConfig =
  | { kind: "cognito"; userPoolId: string; clientId: string; tokenUse: TokenUse }
  | { kind: "issuer"; issuer: string; jwksUri: string; audience: string; tokenUse: TokenUse | undefined };

/** The whole configuration of the JWT authorizer. */
export interface JwtAuthorizerConfig {
  issuer: JwtIssuerConfig;
  rules: MethodRule[];
}

/**
 * Reads and checks the configuration; throws an ApigwTokenAuthError naming the variable to fix,
 * so a misconfigured function fails at start-up (a 500 for every call, never an Allow).
 *
 * @example
 * ```ts
 * readJwtConfig({ JWT_ISSUER: "https://idp.example.com", JWT_AUDIENCE: "api",
 *   JWT_METHOD_RULES: '{"GET /me": {}}' });
 * // { issuer: { kind: "issuer", issuer: "https://idp.example.com", audience: "api",
 * //   jwksUri: "https://idp.example.com/.well-known/jwks.json", tokenUse: undefined },
 * //   rules: [{ method: "GET /me", scopes: [], groups: [] }] }
 * ```
 */
export function readJwtConfig(env: NodeJS.ProcessEnv = process.env): JwtAuthorizerConfig {
  const value = (name: string) => (env[name] === "" ? undefined : env[name]);
  const required = (name: string, why: string) => {
    const found = value(name);
    if (found === undefined) {
      throw new ApigwTokenAuthError(`environment variable ${name} is not set`, {
        expected: why,
        actual: "unset",
      });
    }
    return found;
  };

  const userPoolId = value("JWT_USER_POOL_ID");
  const issuerUrl = value("JWT_ISSUER");
  if ((userPoolId === undefined) === (issuerUrl === undefined)) {
    throw new ApigwTokenAuthError("set exactly one of JWT_USER_POOL_ID and JWT_ISSUER", {
      expected: "a Cognito user pool id, or the issuer URL of another identity provider",
      actual: userPoolId === undefined ? "neither" : "both",
    });
  }
  const tokenUse = parseTokenUse(value("JWT_TOKEN_USE"));
  const rules = parseMethodRules(required("JWT_METHOD_RULES", "a JSON object of method rules"));
  if (tokenUse === "id" && rules.some((rule) => rule.scopes.length > 0)) {
    throw new ApigwTokenAuthError("JWT_METHOD_RULES requires OAuth scopes but JWT_TOKEN_USE is id", {
      expected: "JWT_TOKEN_USE=access (only access tokens carry a scope claim), or rules without scope",
      actual: "id",
    });
  }

  if (userPoolId !== undefined) {
    const clientId = required("JWT_CLIENT_ID", "the user pool app client id tokens are issued to");
    if (tokenUse === undefined) {
      throw new ApigwTokenAuthError("environment variable JWT_TOKEN_USE is not set", {
        expected: TOKEN_USES.join(" or "),
        actual: "unset",
      });
    }
    return { issuer: { kind: "cognito", userPoolId, clientId, tokenUse }, rules };
  }
  const issuer = issuerUrl as string;
  const jwksUri = value("JWT_JWKS_URI") ?? `${issuer.replace(/\/$/, "")}/.well-known/jwks.json`;
  assertFetchableUrl(env.JWT_JWKS_URI ? "JWT_JWKS_URI" : "JWT_ISSUER", jwksUri);
  const audience = required("JWT_AUDIENCE", "the audience (aud claim) tokens must be issued for");
  return { issuer: { kind: "issuer", issuer, jwksUri, audience, tokenUse }, rules };
}

function parseTokenUse(text: string | undefined): TokenUse | undefined {
  if (text === undefined || (TOKEN_USES as readonly string[]).includes(text)) return text as TokenUse;
  throw new ApigwTokenAuthError("JWT_TOKEN_USE is invalid", {
    expected: TOKEN_USES.join(" or "),
    actual: JSON.stringify(text.slice(0, 40)),
  });
}

/**
 * Whether `hostname` is the loopback interface. Plain http is accepted only there: a JWKS fetched
 * over the network without TLS could be swapped by anyone on the path, but a local test issuer
 * (the local run's) listens on 127.0.0.1.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function assertFetchableUrl(name: string, text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:" && !(url?.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new ApigwTokenAuthError(`${name} is not an https URL`, {
      expected: "an https:// URL (http:// only on the loopback interface, for local test issuers)",
      actual: JSON.stringify(text.slice(0, 100)),
    });
  }
}
