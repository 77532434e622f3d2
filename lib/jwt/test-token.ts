/**
 * Test JWTs of the local run's JWT test issuer: the claims, the fixed issuer and audience, and the
 * key file shared by `make start` (which serves the JWKS) and the token CLI's `jwt` command (which
 * mints tokens for a running or later local API from the saved key).
 */
import { fileURLToPath } from "node:url";
import { type JwtClaims, mintJwt } from "./mint-jwt.js";
import type { SigningKey } from "./signing-key.js";

/** The `iss` of local test tokens; `.invalid` never resolves, so no real deployment trusts it by accident. */
export const LOCAL_JWT_ISSUER = "https://local-jwt-issuer.invalid";

/** The `aud` and `client_id` of local test tokens. */
export const LOCAL_JWT_AUDIENCE = "local-test-client";

/** The path the JWKS is served under. */
export const JWKS_PATH = "/.well-known/jwks.json";

/** What a local test token says about its holder. */
export interface TestTokenOptions {
  /** The `sub` claim (principalId behind the JWT authorizer). Default `local-user`. */
  subject?: string;
  /** `cognito:groups`. */
  groups?: string[];
  /** OAuth scopes, joined into the `scope` claim. */
  scopes?: string[];
  /** Seconds until `exp`; negative mints an already expired token. Default 3600. */
  expiresInSeconds?: number;
  /** The time of issue in epoch seconds. Default now. */
  nowSeconds?: number;
}

/**
 * The issuer's key file of this checkout, shared by `make start` and the token CLI's `jwt` command.
 * It lives beside `.local/state.json`, outside the DynamoDB data directory.
 */
export const LOCAL_JWT_KEY_FILE = fileURLToPath(
  new URL("../../.local/jwt-issuer/signing-key.json", import.meta.url),
);

/**
 * The claims of a local test access token, shaped like a Cognito access token (`token_use`,
 * `client_id`, `scope`, `cognito:groups`) with `aud` added for the generic-issuer check.
 */
export function testTokenClaims(options: TestTokenOptions = {}): JwtClaims {
  const { subject = "local-user", groups, scopes, expiresInSeconds = 3600 } = options;
  const iat = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: JwtClaims = {
    iss: LOCAL_JWT_ISSUER,
    aud: LOCAL_JWT_AUDIENCE,
    client_id: LOCAL_JWT_AUDIENCE,
    sub: subject,
    username: subject,
    token_use: "access",
    iat,
    exp: iat + expiresInSeconds,
  };
  if (groups !== undefined && groups.length > 0) claims["cognito:groups"] = groups;
  if (scopes !== undefined && scopes.length > 0) claims.scope = scopes.join(" ");
  return claims;
}

/**
 * Mints a test token with a key (the CLI's path: the key comes from {@link LOCAL_JWT_KEY_FILE}).
 *
 * @example
 * ```ts
 * import { loadOrCreateSigningKey } from "./signing-key.js";
 *
 * mintTestToken(loadOrCreateSigningKey(LOCAL_JWT_KEY_FILE), { subject: "alice" }); // "eyJ..."
 * ```
 */
export function mintTestToken(key: SigningKey, options: TestTokenOptions = {}): string {
  return mintJwt(key, testTokenClaims(options));
}
