import { expect } from "chai";
import { captureStdout, importEntryPoint, withEnv } from "../../support/entry-points.js";

type Handler = (event: unknown) => Promise<unknown>;

const ISSUER_ENV = {
  JWT_ISSUER: "https://idp.example.com",
  JWT_AUDIENCE: "api",
  JWT_METHOD_RULES: '{"GET /me": {}}',
  JWT_USER_POOL_ID: undefined,
  JWT_CLIENT_ID: undefined,
  JWT_JWKS_URI: undefined,
  JWT_TOKEN_USE: "access",
};

describe("handlers/jwt-authorizer/index", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("exports the JWT authorizer as handler for a configured issuer; it refuses a request without a token", async () => {
    restore = withEnv(ISSUER_ENV);
    const { handler } = await importEntryPoint<{ handler: Handler }>("jwt-authorizer");
    const { result: error } = await captureStdout(() =>
      handler({
        type: "TOKEN",
        authorizationToken: "",
        methodArn: "arn:aws:execute-api:eu-west-1:1:a/v1/GET/me",
      }).catch((e: unknown) => e),
    );
    expect(error).to.include({ name: "UnauthorizedError", message: "Unauthorized" });
  });

  it("fails at start-up, naming what to set, without an issuer or user pool", async () => {
    restore = withEnv({ ...ISSUER_ENV, JWT_ISSUER: undefined });
    const error = await importEntryPoint("jwt-authorizer").catch((e: unknown) => e);
    expect(error).to.have.property("message", "set exactly one of JWT_USER_POOL_ID and JWT_ISSUER");
  });
});
