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
import { generateSigningKey, jwksDocument, loadOrCreateSigningKey } from "../../lib/jwt/signing-key.js";
import {
  JWKS_PATH,
  LOCAL_JWT_AUDIENCE,
  LOCAL_JWT_ISSUER,
  LOCAL_JWT_KEY_FILE,
  mintTestToken,
  type TestTokenOptions,
} from "../../lib/jwt/test-token.js";

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
