/**
 * The local run's JWT test issuer: its own signing key, a JWKS URL on the loopback interface, and
 * minting of test JWTs, so the JWT authorizer and `GET /me` run offline.
 *
 * The local run points the template's JWT parameters at it ({@link LocalJwtIssuer.parameterOverrides}),
 * which also switches on the `HasJwtAuthorizer` condition; the JWT authorizer function then fetches
 * this JWKS like it would a Cognito user pool's. The issuer name is fixed (not the URL with its
 * ephemeral port) so that the token CLI can mint tokens for a running local API from the saved key.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type JwtClaims, mintJwt } from "./mint-jwt.js";
import { generateSigningKey, jwksDocument, loadOrCreateSigningKey, type SigningKey } from "./signing-key.js";

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

/** A running local issuer. */
export interface LocalJwtIssuer {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** The template parameters that make the stack trust this issuer. */
  parameterOverrides: Record<string, string>;
  /** Mints a signed test access token. */
  mint(options?: TestTokenOptions): string;
  stop(): Promise<void>;
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
 *
 * @example
 * ```ts
 * testTokenClaims({ subject: "alice", groups: ["admin"], nowSeconds: 1700000000 });
 * // { iss: LOCAL_JWT_ISSUER, aud: "local-test-client", client_id: "local-test-client", sub: "alice",
 * //   username: "alice", token_use: "access", iat: 1700000000, exp: 1700003600, "cognito:groups": ["admin"] }
 * ```
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
 * mintTestToken(loadOrCreateSigningKey(LOCAL_JWT_KEY_FILE), { subject: "alice" }); // "eyJ..."
 * ```
 */
export function mintTestToken(key: SigningKey, options: TestTokenOptions = {}): string {
  return mintJwt(key, testTokenClaims(options));
}

/**
 * Starts the issuer: loads (or creates) the key in `keyFile` (`null`, the default: a new key in
 * memory only) and serves its JWKS on `host:port` (port 0, the default: ephemeral).
 *
 * @example
 * ```ts
 * const issuer = await startLocalJwtIssuer({ keyFile: null });
 * const jwt = issuer.mint({ subject: "alice" });
 * await issuer.stop();
 * ```
 */
export async function startLocalJwtIssuer(
  options: { host?: string; port?: number; keyFile?: string | null } = {},
): Promise<LocalJwtIssuer> {
  const { host = "127.0.0.1", port = 0, keyFile = null } = options;
  const key = keyFile === null ? generateSigningKey() : loadOrCreateSigningKey(keyFile);
  const body = JSON.stringify(jwksDocument([key]));
  const server = createServer((request, response) => {
    const found = request.method === "GET" && request.url === JWKS_PATH;
    response.writeHead(found ? 200 : 404, { "Content-Type": "application/json" });
    response.end(found ? body : JSON.stringify({ message: "Not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const jwksUri = `http://${host}:${address.port}${JWKS_PATH}`;
  return {
    issuer: LOCAL_JWT_ISSUER,
    audience: LOCAL_JWT_AUDIENCE,
    jwksUri,
    parameterOverrides: {
      JwtIssuer: LOCAL_JWT_ISSUER,
      JwtJwksUri: jwksUri,
      JwtAudience: LOCAL_JWT_AUDIENCE,
      JwtTokenUse: "access",
    },
    mint: (tokenOptions) => mintTestToken(key, tokenOptions),
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * Starts the issuer for a local run of `template`, or returns undefined when the run has no use for
 * it: the template declares no `JwtIssuer` parameter, or the caller's overrides already name an
 * identity provider (`JwtUserPoolId` or `JwtIssuer`). A persistent run (`persistKey`) keeps the key
 * in {@link LOCAL_JWT_KEY_FILE} so the CLI mints tokens it accepts; otherwise the key lives in memory.
 *
 * @example
 * ```ts
 * const issuer = await startLocalJwtIssuerFor(template, options.parameterOverrides, { host, persistKey: false });
 * const overrides = { ...issuer?.parameterOverrides, ...options.parameterOverrides };
 * ```
 */
export async function startLocalJwtIssuerFor(
  template: { Parameters?: Record<string, unknown> },
  parameterOverrides: Record<string, string> | undefined,
  options: { host?: string; persistKey: boolean },
): Promise<LocalJwtIssuer | undefined> {
  if (template.Parameters?.JwtIssuer === undefined) return undefined;
  if (parameterOverrides?.JwtUserPoolId || parameterOverrides?.JwtIssuer) return undefined;
  return startLocalJwtIssuer({
    ...(options.host === undefined ? {} : { host: options.host }),
    keyFile: options.persistKey ? LOCAL_JWT_KEY_FILE : null,
  });
}
