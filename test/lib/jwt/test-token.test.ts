import { expect } from "chai";
import { createJwtVerifier } from "../../../handlers/jwt-authorizer/jwt-verifier.js";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { generateSigningKey, jwksDocument } from "../../../lib/jwt/signing-key.js";
import {
  JWKS_PATH,
  LOCAL_JWT_AUDIENCE,
  LOCAL_JWT_ISSUER,
  LOCAL_JWT_KEY_FILE,
  mintTestToken,
  testTokenClaims,
} from "../../../lib/jwt/test-token.js";

describe("lib/jwt/test-token", () => {
  const key = generateSigningKey();
  // The JWT authorizer's own verifier, configured as `make start` configures it for the local issuer,
  // with the JWKS served from memory instead of the local issuer's HTTP server.
  const jwksUri = `http://127.0.0.1:1${JWKS_PATH}`;
  const verify = createJwtVerifier(
    { kind: "issuer", issuer: LOCAL_JWT_ISSUER, jwksUri, audience: LOCAL_JWT_AUDIENCE, tokenUse: "access" },
    {
      fetch: async (uri: string) => {
        expect(uri).to.equal(jwksUri);
        return new TextEncoder().encode(JSON.stringify(jwksDocument([key]))).buffer as ArrayBuffer;
      },
    },
  );

  it("mints a token the JWT authorizer's verifier accepts for the local issuer", async () => {
    const payload = await verify(
      mintTestToken(key, { subject: "alice", groups: ["admin"], scopes: ["a", "b"] }),
    );
    expect(payload).to.include({
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
      sub: "alice",
      username: "alice",
      token_use: "access",
      scope: "a b",
    });
    expect(payload["cognito:groups"]).to.deep.equal(["admin"]);
  });

  it("mints an already expired token that the verifier refuses, for testing 401s", async () => {
    const error = await verify(mintTestToken(key, { expiresInSeconds: -60 })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnauthorizedError);
  });

  it("shapes the claims like a Cognito access token, leaving out empty groups and scopes", () => {
    expect(testTokenClaims({ nowSeconds: 1000, groups: [], scopes: [] })).to.deep.equal({
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
      client_id: LOCAL_JWT_AUDIENCE,
      sub: "local-user",
      username: "local-user",
      token_use: "access",
      iat: 1000,
      exp: 4600,
    });
  });

  it("issues for a domain that never resolves, and keeps its key beside the local state", () => {
    expect(new URL(LOCAL_JWT_ISSUER).hostname.endsWith(".invalid")).to.equal(true);
    expect(LOCAL_JWT_KEY_FILE).to.match(/\/\.local\/jwt-issuer\/signing-key\.json$/);
  });
});
