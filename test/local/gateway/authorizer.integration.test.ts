/**
 * TOKEN authorizer behaviour over HTTP (templates/token-aws.yaml): identity checks without invoking
 * the Lambda, the real method ARN, the policy cache re-evaluated per method, explicit Deny, errors.
 */
import { expect } from "chai";
import {
  type FakeFunction,
  policy,
  result,
  send,
  startTestGateway,
  type TestGateway,
  thrown,
} from "./harness.js";

const AUTH = { Authorization: "abc123" };
const backend: FakeFunction = (e) =>
  e.operation === "getUser"
    ? result({ user: { id: e.id, name: "Ann" }, principal: e.principalId })
    : result(null);

describe("local gateway: TOKEN authorizer", () => {
  let api: TestGateway;
  let authorizer: FakeFunction;
  const start = async (ttl = "300", more: Record<string, string> = {}) => {
    api = await startTestGateway(
      "token-aws",
      { AuthFunction: (e) => authorizer(e), BackendFunction: backend },
      { TtlSeconds: ttl, ...more },
    );
  };
  const authCalls = () => api.calls.AuthFunction?.length ?? 0;
  const arnBase = () => `arn:aws:execute-api:us-east-1:000000000000:${api.gateway.apiId}/v1`;
  afterEach(() => api.stop());

  it("answers 401 without invoking the authorizer when the token header is missing or empty", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start();
    for (const headers of [{}, { Authorization: "" }] as Record<string, string>[]) {
      const res = await send(`${api.url}/user/1`, { headers });
      expect(res.status).to.equal(401);
      expect(res.body).to.equal('{"message":"Unauthorized"}');
      expect(res.headers["x-amzn-errortype"]).to.equal("UnauthorizedException");
    }
    expect(authCalls()).to.equal(0);
  });

  it("answers 401 without invoking the authorizer when the token fails IdentityValidationExpression (whole match)", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start();
    for (const token of ["ab", "abc!", "Bearer abc123", "a".repeat(33)]) {
      const res = await send(`${api.url}/user/1`, { headers: { Authorization: token } });
      expect(res.status, token).to.equal(401);
    }
    expect(authCalls()).to.equal(0);
  });

  it("passes the whole header, found case-insensitively, and the real verb and path as methodArn", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start();
    const res = await send(`${api.url}/user/42`, { headers: { authorization: "abc123" } });
    expect(res.status).to.equal(200);
    expect(api.calls.AuthFunction).to.deep.equal([
      { type: "TOKEN", authorizationToken: "abc123", methodArn: `${arnBase()}/GET/user/42` },
    ]);
  });

  it("caches the policy per token and re-evaluates it against each method ARN (403 on another method, no invoke)", async () => {
    authorizer = (e) => result(policy("Allow", e.methodArn as string));
    await start();
    expect((await send(`${api.url}/user/1`, { headers: AUTH })).status).to.equal(200);
    expect((await send(`${api.url}/user/1`, { headers: AUTH })).status).to.equal(200);
    const other = await send(`${api.url}/user/2`, { headers: AUTH });
    expect(other.status).to.equal(403);
    expect(other.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
    expect(other.json())
      .to.have.property("Message")
      .that.match(/^User is not authorized to access this resource/);
    expect(authCalls()).to.equal(1);
    expect(api.calls.BackendFunction).to.have.length(2);
    // Another token is another cache entry.
    expect((await send(`${api.url}/user/2`, { headers: { Authorization: "other1" } })).status).to.equal(200);
    expect(authCalls()).to.equal(2);
    // Tokens never reach the gateway's log.
    expect(api.logs.join("\n")).to.not.contain("abc123").and.not.contain("other1");
  });

  it("invokes the authorizer on every request when the TTL is 0", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start("0");
    await send(`${api.url}/user/1`, { headers: AUTH });
    await send(`${api.url}/user/1`, { headers: AUTH });
    expect(authCalls()).to.equal(2);
  });

  it("invokes the authorizer again once the cached result's TTL has passed", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start("60");
    await send(`${api.url}/user/1`, { headers: AUTH });
    api.clock.now += 59_999;
    await send(`${api.url}/user/1`, { headers: AUTH });
    expect(authCalls()).to.equal(1);
    api.clock.now += 1;
    await send(`${api.url}/user/1`, { headers: AUTH });
    expect(authCalls()).to.equal(2);
  });

  it("lets an explicit Deny win over a matching Allow, from the cache too", async () => {
    authorizer = () =>
      result({
        principalId: "alice",
        policyDocument: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "execute-api:Invoke", Resource: `${arnBase()}/*` },
            { Effect: "Deny", Action: "execute-api:Invoke", Resource: `${arnBase()}/GET/user/secret?` },
          ],
        },
      });
    await start();
    expect((await send(`${api.url}/user/1`, { headers: AUTH })).status).to.equal(200);
    for (let i = 0; i < 2; i++) {
      const res = await send(`${api.url}/user/secret1`, { headers: AUTH });
      expect(res.status).to.equal(403);
      expect(res.json()).to.deep.equal({
        Message:
          "User is not authorized to access this resource with an explicit deny in an identity-based policy",
        // The template's ACCESS_DENIED gateway response reads the denied principal.
        principal: "alice",
      });
    }
    expect(authCalls()).to.equal(1);
    expect(api.calls.BackendFunction).to.have.length(1);
  });

  it("answers 401 for an `Unauthorized` error and does not cache it", async () => {
    authorizer = () => thrown("Unauthorized");
    await start();
    for (let i = 0; i < 2; i++) {
      const res = await send(`${api.url}/user/1`, { headers: AUTH });
      expect(res.status).to.equal(401);
      expect(res.body).to.equal('{"message":"Unauthorized"}');
    }
    expect(authCalls()).to.equal(2);
  });

  const configurationErrors: [string, FakeFunction][] = [
    ["another error message", () => thrown("Something broke")],
    ["a returned 'Unauthorized' string", () => result("Unauthorized")],
    ["a timeout", () => ({ kind: "timeout" })],
    ["a crash", () => ({ kind: "crash", message: "exit 1" })],
    [
      "a policy without Statement effects",
      () => result({ principalId: "a", policyDocument: { Statement: [{}] } }),
    ],
    ["a missing principalId", () => result({ policyDocument: policy("Allow", "*").policyDocument })],
    ["an object context value", () => result(policy("Allow", "*", "a", { roles: ["x"] }))],
  ];
  for (const [name, fn] of configurationErrors) {
    it(`answers 500 {"message":null} AuthorizerConfigurationException for ${name}, not cached`, async () => {
      authorizer = fn;
      await start();
      for (let i = 0; i < 2; i++) {
        const res = await send(`${api.url}/user/1`, { headers: AUTH });
        expect(res.status).to.equal(500);
        expect(res.body).to.equal('{"message":null}');
        expect(res.headers["x-amzn-errortype"]).to.equal("AuthorizerConfigurationException");
      }
      expect(authCalls()).to.equal(2);
      expect(api.calls.BackendFunction).to.equal(undefined);
    });
  }

  it("hands the principal and the stringified context to the mapping template", async () => {
    authorizer = () => result(policy("Allow", "*", 'al"ice', { tier: 3, admin: true }));
    await start();
    const res = await send(`${api.url}/user`, {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: '{"id":"u1","name":"Ann"}',
    });
    expect(res.status).to.equal(204);
    expect(api.calls.BackendFunction?.[0]).to.deep.include({
      principalId: 'al"ice',
      tier: "3",
      stage: "test",
    });
  });

  it("answers 414 when the method ARN would exceed 1600 bytes, without invoking the authorizer", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start();
    const res = await send(`${api.url}/user/${"x".repeat(1600)}`, { headers: AUTH });
    expect(res.status).to.equal(414);
    expect(authCalls()).to.equal(0);
  });

  it("caches per stage, and lists and flushes every stage's entries, labelled by stage", async () => {
    authorizer = () => result(policy("Allow", "*"));
    await start("300", { DeploymentStageName: "prod" });
    expect(api.gateway.stageNames).to.deep.equal(["v1", "prod"]);
    for (const stage of ["v1", "prod", "v1", "prod"]) {
      expect((await send(`${api.origin}/${stage}/user/1`, { headers: AUTH })).status, stage).to.equal(200);
    }
    // One call per stage: the second request of each is a hit in its own stage's cache.
    expect(api.calls.AuthFunction?.map((e) => (e.methodArn as string).split("/")[1])).to.deep.equal([
      "v1",
      "prod",
    ]);
    const entries = api.gateway.authorizerCache.entries(api.clock.now);
    expect(entries.map((e) => [e.stage, e.principalId])).to.have.deep.members([
      ["v1", "alice"],
      ["prod", "alice"],
    ]);
    expect(entries[0]?.keyDigest).to.not.equal(entries[1]?.keyDigest);

    expect(api.gateway.authorizerCache.flush(api.clock.now)).to.equal(2);
    for (const stage of ["v1", "prod"]) await send(`${api.origin}/${stage}/user/1`, { headers: AUTH });
    expect(authCalls()).to.equal(4);
  });
});
