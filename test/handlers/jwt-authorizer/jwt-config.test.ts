import { expect } from "chai";
import { isLoopbackHost, readJwtConfig } from "../../../handlers/jwt-authorizer/jwt-config.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";

const RULES = '{"GET /me": {}}';

describe("handlers/jwt-authorizer/jwt-config", () => {
  it("reads a Cognito user pool configuration", () => {
    const config = readJwtConfig({
      JWT_USER_POOL_ID: "eu-west-1_abc",
      JWT_CLIENT_ID: "client",
      JWT_TOKEN_USE: "access",
      JWT_ISSUER: "",
      JWT_METHOD_RULES: RULES,
    });
    expect(config.issuer).to.deep.equal({
      kind: "cognito",
      userPoolId: "eu-west-1_abc",
      clientId: "client",
      tokenUse: "access",
    });
    expect(config.rules).to.deep.equal([{ method: "GET /me", scopes: [], groups: [] }]);
  });

  it("reads a generic issuer, deriving the JWKS URL from the issuer", () => {
    const config = readJwtConfig({
      JWT_ISSUER: "https://idp.test/",
      JWT_AUDIENCE: "api",
      JWT_METHOD_RULES: RULES,
    });
    expect(config.issuer).to.deep.equal({
      kind: "issuer",
      issuer: "https://idp.test/",
      jwksUri: "https://idp.test/.well-known/jwks.json",
      audience: "api",
      tokenUse: undefined,
    });
  });

  it("accepts a plain http JWKS URL on the loopback interface only", () => {
    const env = { JWT_ISSUER: "https://local.test", JWT_AUDIENCE: "api", JWT_METHOD_RULES: RULES };
    const local = readJwtConfig({ ...env, JWT_JWKS_URI: "http://127.0.0.1:4567/.well-known/jwks.json" });
    expect(local.issuer).to.include({ jwksUri: "http://127.0.0.1:4567/.well-known/jwks.json" });
    expect(() => readJwtConfig({ ...env, JWT_JWKS_URI: "http://idp.test/jwks.json" })).to.throw(
      ApigwTokenAuthError,
      /JWT_JWKS_URI/,
    );
  });

  for (const [name, env, message] of [
    ["neither issuer nor pool", { JWT_METHOD_RULES: RULES }, /exactly one/],
    [
      "both issuer and pool",
      { JWT_USER_POOL_ID: "eu-west-1_abc", JWT_ISSUER: "https://idp.test", JWT_METHOD_RULES: RULES },
      /exactly one/,
    ],
    [
      "a pool without client",
      { JWT_USER_POOL_ID: "eu-west-1_abc", JWT_TOKEN_USE: "id", JWT_METHOD_RULES: RULES },
      /JWT_CLIENT_ID/,
    ],
    [
      "a pool without token use",
      { JWT_USER_POOL_ID: "eu-west-1_abc", JWT_CLIENT_ID: "c", JWT_METHOD_RULES: RULES },
      /JWT_TOKEN_USE/,
    ],
    [
      "an issuer without audience",
      { JWT_ISSUER: "https://idp.test", JWT_METHOD_RULES: RULES },
      /JWT_AUDIENCE/,
    ],
    [
      "an unknown token use",
      {
        JWT_ISSUER: "https://idp.test",
        JWT_AUDIENCE: "a",
        JWT_TOKEN_USE: "refresh",
        JWT_METHOD_RULES: RULES,
      },
      /JWT_TOKEN_USE/,
    ],
    ["no method rules", { JWT_ISSUER: "https://idp.test", JWT_AUDIENCE: "a" }, /JWT_METHOD_RULES/],
    [
      "scope rules for ID tokens",
      {
        JWT_ISSUER: "https://idp.test",
        JWT_AUDIENCE: "a",
        JWT_TOKEN_USE: "id",
        JWT_METHOD_RULES: '{"GET /me": {"scope": "x"}}',
      },
      /scope/,
    ],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(() => readJwtConfig(env)).to.throw(ApigwTokenAuthError, message);
    });
  }

  it("knows the loopback host names", () => {
    expect(["localhost", "127.0.0.1", "127.1.2.3", "[::1]"].every(isLoopbackHost)).to.equal(true);
    expect(["10.0.0.1", "localhost.evil.test", "128.0.0.1"].some(isLoopbackHost)).to.equal(false);
  });
});
