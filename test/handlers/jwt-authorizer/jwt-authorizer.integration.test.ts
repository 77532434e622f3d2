import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FetchError } from "aws-jwt-verify/error";
import { expect } from "chai";
import { bearerToken, createJwtAuthorizer } from "../../../handlers/jwt-authorizer/jwt-authorizer.js";
import type { JwtIssuerConfig } from "../../../handlers/jwt-authorizer/jwt-config.js";
import { createJwtVerifier } from "../../../handlers/jwt-authorizer/jwt-verifier.js";
import { parseMethodRules } from "../../../handlers/jwt-authorizer/method-rules.js";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { evaluatePolicy } from "../../../lib/iam/authorizer-policy.js";
import { type JwtClaims, mintJwt } from "../../../lib/jwt/mint-jwt.js";
import { generateSigningKey, jwksDocument } from "../../../lib/jwt/signing-key.js";

const ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1";
const ISSUER = "https://issuer.test";
const AUDIENCE = "api-client";
const RULES = parseMethodRules(
  JSON.stringify({
    "GET /me": {},
    "GET /reports/*": { scope: "reports/read" },
    "DELETE /user/{id}": { group: ["admin"] },
  }),
);

const key = generateSigningKey();
const otherKey = generateSigningKey();
const nowSeconds = () => Math.floor(Date.now() / 1000);

function claims(overrides: JwtClaims = {}): JwtClaims {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: "user-1",
    token_use: "access",
    username: "alice",
    scope: "openid profile",
    "cognito:groups": ["dev"],
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    ...overrides,
  };
}

describe("handlers/jwt-authorizer/jwt-authorizer (generic issuer, JWKS over loopback http)", () => {
  let server: Server;
  let jwksUri: string;
  let jwksRequests = 0;
  let jwksStatus = 200;
  const logLines: string[] = [];

  before(async () => {
    server = createServer((_request, response) => {
      jwksRequests++;
      response.writeHead(jwksStatus, { "content-type": "application/json" });
      response.end(JSON.stringify(jwksDocument([key])));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    jwksRequests = 0;
    jwksStatus = 200;
    logLines.length = 0;
  });

  /** A fresh authorizer, as in a new container: empty JWKS cache. */
  function newAuthorizer(config: Partial<Extract<JwtIssuerConfig, { kind: "issuer" }>> = {}) {
    return createJwtAuthorizer({
      verify: createJwtVerifier({
        kind: "issuer",
        issuer: ISSUER,
        jwksUri,
        audience: AUDIENCE,
        tokenUse: "access",
        ...config,
      }),
      rules: RULES,
      logger: createLogger("test", { write: (line) => logLines.push(line) }),
    });
  }

  function event(authorizationToken: string, method = "GET/me") {
    return { type: "TOKEN" as const, authorizationToken, methodArn: `${ARN}/${method}` };
  }

  async function refusal(promise: Promise<unknown>): Promise<UnauthorizedError> {
    const error = await promise.then(
      () => expect.fail("expected a refusal"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UnauthorizedError);
    expect((error as Error).message).to.equal("Unauthorized");
    return error as UnauthorizedError;
  }

  it("allows a valid token with sub as principalId and string-only claims as context", async () => {
    const result = await newAuthorizer()(event(`Bearer ${mintJwt(key, claims())}`));
    expect(result.principalId).to.equal("user-1");
    expect(result.context).to.deep.equal({
      groups: "dev",
      issuer: ISSUER,
      tokenUse: "access",
      clientId: AUDIENCE,
      username: "alice",
      scope: "openid profile",
    });
    for (const value of Object.values(result.context)) expect(value).to.be.a("string");
    expect(evaluatePolicy(result.policyDocument, `${ARN}/GET/me`)).to.equal("Allow");
    // No reports/read scope and not in admin: the cached policy must not open those methods.
    expect(evaluatePolicy(result.policyDocument, `${ARN}/GET/reports/7`)).to.equal("ImplicitDeny");
    expect(evaluatePolicy(result.policyDocument, `${ARN}/DELETE/user/7`)).to.equal("ImplicitDeny");
  });

  it("accepts the token with or without the Bearer prefix, in any case", async () => {
    const authorize = newAuthorizer();
    const jwt = mintJwt(key, claims());
    for (const header of [jwt, `Bearer ${jwt}`, `bearer ${jwt}`]) {
      expect((await authorize(event(header))).principalId).to.equal("user-1");
    }
  });

  it("opens a method whose rule needs a scope or group only to tokens that carry it", async () => {
    const authorize = newAuthorizer();
    const reader = await authorize(event(mintJwt(key, claims({ scope: "openid reports/read" }))));
    expect(evaluatePolicy(reader.policyDocument, `${ARN}/GET/reports/7`)).to.equal("Allow");
    const admin = await authorize(event(mintJwt(key, claims({ "cognito:groups": ["dev", "admin"] }))));
    expect(evaluatePolicy(admin.policyDocument, `${ARN}/DELETE/user/7`)).to.equal("Allow");
    expect(admin.context.groups).to.equal("dev admin");
  });

  it("downloads the JWKS once and serves later tokens from the cache", async () => {
    const authorize = newAuthorizer();
    await authorize(event(mintJwt(key, claims())));
    await authorize(event(mintJwt(key, claims({ sub: "user-2" }))));
    expect(jwksRequests).to.equal(1);
  });

  for (const [name, makeToken] of [
    ["an expired token", () => mintJwt(key, claims({ exp: nowSeconds() - 10 }))],
    ["a token from another issuer", () => mintJwt(key, claims({ iss: "https://evil.test" }))],
    ["a token for another audience", () => mintJwt(key, claims({ aud: "other-client" }))],
    ["an ID token where access tokens are expected", () => mintJwt(key, claims({ token_use: "id" }))],
    ["a token without exp", () => mintJwt(key, claims({ exp: undefined }))],
    ["a token without sub", () => mintJwt(key, claims({ sub: undefined }))],
    ["a token signed by another key under our kid", () => mintJwt(otherKey, claims(), { kid: key.kid })],
    ["a token whose kid the JWKS does not have", () => mintJwt(otherKey, claims())],
    [
      "a token with alg none",
      () => `${mintJwt(key, claims(), { alg: "none" }).split(".").slice(0, 2).join(".")}.`,
    ],
    ["a token whose header claims HS256", () => mintJwt(key, claims(), { alg: "HS256" })],
    ["a token that is not a JWT", () => "abc123"],
    ["a token of three garbage parts", () => "a.b.c"],
    ["an empty header", () => ""],
    ["a bare Bearer", () => "Bearer "],
  ] as const) {
    it(`refuses ${name} with 401, never 500`, async () => {
      await refusal(newAuthorizer()(event(makeToken())));
    });
  }

  it("refuses a valid token that meets no method rule", async () => {
    const authorize = createJwtAuthorizer({
      verify: createJwtVerifier({
        kind: "issuer",
        issuer: ISSUER,
        jwksUri,
        audience: AUDIENCE,
        tokenUse: undefined,
      }),
      rules: parseMethodRules('{"GET /reports/*": {"scope": "reports/read"}}'),
      logger: createLogger("test", { write: () => undefined }),
    });
    const error = await refusal(authorize(event(mintJwt(key, claims()))));
    expect(error.reason).to.equal("token meets no method rule");
  });

  it("fails with 500 (not Unauthorized, never Allow) when the JWKS download fails", async () => {
    jwksStatus = 503;
    const error = await newAuthorizer()(event(mintJwt(key, claims()))).catch((e: unknown) => e);
    expect(error).to.have.property("message", "the issuer's JWKS is unavailable");
  });

  it("fails with 500 when the JWKS URL cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const authorize = newAuthorizer({ jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    const error = await authorize(event(mintJwt(key, claims()))).catch((e: unknown) => e);
    expect(error).to.have.property("message", "the issuer's JWKS is unavailable");
  });

  it("never logs the token", async () => {
    const authorize = newAuthorizer();
    const jwt = mintJwt(key, claims());
    await authorize(event(jwt));
    await authorize(event(mintJwt(key, claims({ exp: 1 })))).catch(() => undefined);
    expect(logLines).to.not.be.empty;
    for (const line of logLines) expect(line).to.not.include(jwt.split(".")[2]);
  });
});

describe("handlers/jwt-authorizer/jwt-authorizer (Cognito user pool)", () => {
  const userPoolId = "eu-west-1_TestPool1";
  const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
  const clientId = "app-client-1";
  const fetched: string[] = [];
  let failFetch = false;

  /** Serves the pool's JWKS from memory under the https URL aws-jwt-verify derives from the pool id. */
  const fetcher = {
    async fetch(uri: string): Promise<ArrayBuffer> {
      fetched.push(uri);
      if (failFetch) throw new FetchError(uri, "connect ETIMEDOUT");
      return new TextEncoder().encode(JSON.stringify(jwksDocument([key]))).buffer as ArrayBuffer;
    },
  };

  function newAuthorizer() {
    return createJwtAuthorizer({
      verify: createJwtVerifier({ kind: "cognito", userPoolId, clientId, tokenUse: "access" }, fetcher),
      rules: RULES,
      logger: createLogger("test", { write: () => undefined }),
    });
  }

  const accessClaims = (overrides: JwtClaims = {}) =>
    claims({ iss: issuer, aud: undefined, client_id: clientId, token_use: "access", ...overrides });
  const event = (jwt: string) => ({
    type: "TOKEN" as const,
    authorizationToken: jwt,
    methodArn: `${ARN}/GET/me`,
  });

  beforeEach(() => {
    fetched.length = 0;
    failFetch = false;
  });

  it("allows an access token of the pool's app client, fetching the pool's JWKS", async () => {
    const result = await newAuthorizer()(event(mintJwt(key, accessClaims())));
    expect(result.principalId).to.equal("user-1");
    expect(result.context.clientId).to.equal(clientId);
    expect(fetched).to.deep.equal([`${issuer}/.well-known/jwks.json`]);
  });

  for (const [name, overrides] of [
    ["another app client", { client_id: "other-client" }],
    ["an ID token", { token_use: "id", aud: clientId, client_id: undefined }],
    ["another pool", { iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }],
    ["an expired token", { exp: nowSeconds() - 1 }],
  ] as const) {
    it(`refuses ${name} with 401`, async () => {
      const error = await newAuthorizer()(event(mintJwt(key, accessClaims(overrides)))).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(UnauthorizedError);
    });
  }

  it("fails with 500 when the pool's JWKS cannot be fetched", async () => {
    failFetch = true;
    const error = await newAuthorizer()(event(mintJwt(key, accessClaims()))).catch((e: unknown) => e);
    expect(error).to.have.property("message", "the issuer's JWKS is unavailable");
  });
});

describe("bearerToken", () => {
  it("strips a Bearer prefix and refuses values with inner spaces", () => {
    expect(bearerToken("Bearer a.b.c")).to.equal("a.b.c");
    expect(bearerToken("a.b.c")).to.equal("a.b.c");
    expect(bearerToken("Basic a b")).to.equal(undefined);
    expect(bearerToken(undefined)).to.equal(undefined);
  });
});
