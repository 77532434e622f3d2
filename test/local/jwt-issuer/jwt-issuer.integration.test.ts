import { expect } from "chai";
import { readJwtConfig } from "../../../handlers/jwt-authorizer/jwt-config.js";
import { createJwtVerifier } from "../../../handlers/jwt-authorizer/jwt-verifier.js";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER, testTokenClaims } from "../../../lib/jwt/test-token.js";
import {
  type LocalJwtIssuer,
  startLocalJwtIssuer,
  startLocalJwtIssuerFor,
} from "../../../local/jwt-issuer/jwt-issuer.js";

describe("local/jwt-issuer/jwt-issuer", () => {
  let issuer: LocalJwtIssuer;
  before(async () => {
    issuer = await startLocalJwtIssuer({ keyFile: null });
  });
  after(() => issuer.stop());

  /** The JWT authorizer's verifier, configured the way the template passes the overrides on. */
  function verifierFromOverrides() {
    const { JwtIssuer, JwtJwksUri, JwtAudience, JwtTokenUse } = issuer.parameterOverrides;
    const config = readJwtConfig({
      JWT_ISSUER: JwtIssuer,
      JWT_JWKS_URI: JwtJwksUri,
      JWT_AUDIENCE: JwtAudience,
      JWT_TOKEN_USE: JwtTokenUse,
      JWT_METHOD_RULES: '{"GET /me": {}}',
    });
    return createJwtVerifier(config.issuer);
  }

  it("serves its JWKS on an ephemeral loopback port and 404 elsewhere", async () => {
    expect(issuer.jwksUri).to.match(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: unknown[] };
    expect(jwks.keys).to.have.length(1);
    expect((await fetch(new URL("/other", issuer.jwksUri))).status).to.equal(404);
  });

  it("mints tokens that the JWT authorizer's verifier accepts under the template overrides", async () => {
    const payload = await verifierFromOverrides()(issuer.mint({ subject: "alice", groups: ["admin"] }));
    expect(payload).to.include({ sub: "alice", iss: LOCAL_JWT_ISSUER, aud: LOCAL_JWT_AUDIENCE });
    expect(payload["cognito:groups"]).to.deep.equal(["admin"]);
  });

  it("mints expired tokens on request, which the verifier refuses", async () => {
    const error = await verifierFromOverrides()(issuer.mint({ expiresInSeconds: -60 })).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UnauthorizedError);
  });

  it("shapes claims like a Cognito access token", () => {
    expect(
      testTokenClaims({ subject: "bob", scopes: ["a", "b"], nowSeconds: 100, expiresInSeconds: 10 }),
    ).to.deep.equal({
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
      client_id: LOCAL_JWT_AUDIENCE,
      sub: "bob",
      username: "bob",
      token_use: "access",
      iat: 100,
      exp: 110,
      scope: "a b",
    });
  });
});

describe("local/jwt-issuer/jwt-issuer: startLocalJwtIssuerFor", () => {
  const template = { Parameters: { JwtIssuer: { Type: "String", Default: "" } } };

  it("starts an issuer for a template with the JWT parameters", async () => {
    const issuer = await startLocalJwtIssuerFor(template, undefined, { persistKey: false });
    try {
      expect(issuer?.parameterOverrides.JwtIssuer).to.equal(LOCAL_JWT_ISSUER);
    } finally {
      await issuer?.stop();
    }
  });

  it("starts none for a template without them, or when the caller names an identity provider", async () => {
    expect(await startLocalJwtIssuerFor({ Parameters: {} }, undefined, { persistKey: false })).to.equal(
      undefined,
    );
    const callerChoices: Record<string, string>[] = [
      { JwtUserPoolId: "eu-west-1_abc" },
      { JwtIssuer: "https://idp.test" },
    ];
    for (const overrides of callerChoices) {
      expect(await startLocalJwtIssuerFor(template, overrides, { persistKey: false })).to.equal(undefined);
    }
  });
});
