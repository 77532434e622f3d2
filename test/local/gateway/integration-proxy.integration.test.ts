/**
 * REQUEST authorizer and Lambda proxy (AWS_PROXY) integrations over HTTP
 * (templates/request-proxy.yaml): identity sources, the cache key on every source, the proxy event,
 * proxy response validation (502), integration timeout (504), routing of {proxy+} and ANY.
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

describe("local gateway: REQUEST authorizer and AWS_PROXY", () => {
  let api: TestGateway;
  let proxy: FakeFunction;
  let authorizer: FakeFunction;
  const start = async (ttl = "300") => {
    api = await startTestGateway(
      "request-proxy",
      { AuthFunction: (e) => authorizer(e), ProxyFunction: (e) => proxy(e) },
      { TtlSeconds: ttl },
    );
  };
  beforeEach(async () => {
    authorizer = () => result(policy("Allow", "*", "bob", { n: 1, b: true, s: "x", z: null }));
    proxy = (e) => result({ statusCode: 200, body: JSON.stringify(e) });
    await start();
  });
  afterEach(() => api.stop());
  const authCalls = () => api.calls.AuthFunction?.length ?? 0;
  const KEY = { "X-Key": "k1" };

  it("answers 401 without invoking the authorizer when any identity source is missing or empty", async () => {
    for (const [query, headers] of [
      ["?tenant=t1", {}],
      ["", KEY],
      ["?tenant=", KEY],
    ] as const) {
      const res = await send(`${api.url}/items/1${query}`, { headers });
      expect(res.status, query).to.equal(401);
      expect(res.body).to.equal('{"message":"Unauthorized"}');
    }
    expect(authCalls()).to.equal(0);
  });

  it("sends the REST REQUEST event and keys the cache on every identity source value", async () => {
    await send(`${api.url}/items/1?tenant=t1`, { headers: KEY });
    const event = api.calls.AuthFunction?.[0] as Record<string, unknown>;
    expect(event).to.include({
      type: "REQUEST",
      methodArn: `arn:aws:execute-api:us-east-1:000000000000:${api.gateway.apiId}/dev/GET/items/1`,
      resource: "/items/{itemId}",
      path: "/items/1",
      httpMethod: "GET",
    });
    expect(event).to.not.have.any.keys("body", "authorizationToken", "identitySource", "version");
    expect(event.pathParameters).to.deep.equal({ itemId: "1" });
    expect(event.queryStringParameters).to.deep.equal({ tenant: "t1" });
    await send(`${api.url}/items/2?tenant=t1`, { headers: KEY });
    expect(authCalls()).to.equal(1);
    await send(`${api.url}/items/2?tenant=t2`, { headers: KEY });
    await send(`${api.url}/items/2?tenant=t2`, { headers: { "X-Key": "k2" } });
    expect(authCalls()).to.equal(3);
  });

  it("builds the proxy event with requestContext.authorizer: stringified context, principalId, numeric integrationLatency", async () => {
    const res = await send(`${api.url}/items/7?tenant=a&tenant=b`, { headers: { ...KEY, "X-Multi": "1" } });
    expect(res.status).to.equal(200);
    const event = res.json() as Record<string, Record<string, unknown>>;
    expect(event).to.include({
      resource: "/items/{itemId}",
      path: "/items/7",
      httpMethod: "GET",
      body: null,
    });
    expect(event.isBase64Encoded).to.equal(false);
    expect(event.queryStringParameters).to.deep.equal({ tenant: "b" });
    expect(event.multiValueQueryStringParameters).to.deep.equal({ tenant: ["a", "b"] });
    expect(event.stageVariables).to.equal(null);
    expect(event.headers?.["X-Key"]).to.equal("k1");
    const context = event.requestContext as Record<string, unknown>;
    expect(context).to.include({
      path: "/dev/items/7",
      stage: "dev",
      resourcePath: "/items/{itemId}",
      httpMethod: "GET",
    });
    expect(context.requestId).to.equal(res.headers["x-amzn-requestid"]);
    expect(context.authorizer).to.deep.equal({
      n: "1",
      b: "true",
      s: "x",
      z: null,
      principalId: "bob",
      integrationLatency: (context.authorizer as { integrationLatency: number }).integrationLatency,
    });
    expect((context.authorizer as { integrationLatency: unknown }).integrationLatency).to.be.a("number");
  });

  it("omits requestContext.authorizer and passes the body on a method without authorization", async () => {
    const res = await send(`${api.url}/public`, { headers: { "Content-Type": "text/plain" }, body: "hello" });
    const event = res.json() as {
      body: string;
      requestContext: Record<string, unknown>;
      pathParameters: unknown;
    };
    expect(event.body).to.equal("hello");
    expect(event.pathParameters).to.equal(null);
    expect(event.requestContext).to.not.have.property("authorizer");
    expect(authCalls()).to.equal(0);
  });

  it("routes the greedy {proxy+} with ANY for any verb, literal resources first", async () => {
    const res = await send(`${api.url}/a/b/c?tenant=t`, { method: "DELETE", headers: KEY });
    const event = res.json() as Record<string, unknown>;
    expect(event.resource).to.equal("/{proxy+}");
    expect(event.httpMethod).to.equal("DELETE");
    expect(event.pathParameters).to.deep.equal({ proxy: "a/b/c" });
    expect(api.calls.AuthFunction?.[0]?.methodArn).to.match(/\/dev\/DELETE\/a\/b\/c$/);
    // POST /items/1 has no method on /items/{itemId}; the greedy resource does not take over.
    const post = await send(`${api.url}/items/1?tenant=t`, { method: "POST", headers: KEY });
    expect(post.status).to.equal(403);
    expect(post.json()).to.deep.equal({ message: "Missing Authentication Token" });
  });

  const proxyResponses: [string, unknown, number, string, Record<string, string>?][] = [
    ["only a statusCode", { statusCode: 200 }, 200, "", { "content-type": "application/json" }],
    ["no statusCode", { headers: { "test-header": "v" } }, 200, "", { "test-header": "v" }],
    ["a numeric-string statusCode", { statusCode: "201", body: "x" }, 201, "x"],
    [
      "headers and multiValueHeaders merged",
      {
        statusCode: 200,
        headers: { "tesT-Multi": "solo", b: true },
        multiValueHeaders: { "Test-multi": ["m1", "m2"] },
      },
      200,
      "",
      { "test-multi": "m1, m2, solo", b: "true" },
    ],
    ["null headers", { statusCode: 204, headers: null }, 204, ""],
    [
      "base64 flag without binary types",
      { statusCode: 200, body: "aGk=", isBase64Encoded: true },
      200,
      "aGk=",
    ],
  ];
  for (const [name, payload, status, body, headers] of proxyResponses) {
    it(`returns a proxy response with ${name}`, async () => {
      proxy = () => result(payload);
      const res = await send(`${api.url}/public`);
      expect(res.status).to.equal(status);
      expect(res.body).to.equal(body);
      for (const [key, value] of Object.entries(headers ?? {})) expect(res.headers[key]).to.equal(value);
    });
  }

  const malformed: [string, FakeFunction][] = [
    ["a non-numeric statusCode", () => result({ statusCode: "test" })],
    ["an unknown top-level key", () => result({ statusCode: 200, wrongValue: "value" })],
    ["a string", () => result("justAString")],
    ["a non-string body", () => result({ statusCode: 200, body: { a: 1 } })],
    ["a multiValueHeaders value that is not a list", () => result({ multiValueHeaders: { a: "b" } })],
    ["a thrown error", () => thrown("boom")],
    ["a function timeout", () => ({ kind: "timeout" })],
    ["a crash", () => ({ kind: "crash", message: "exit" })],
  ];
  for (const [name, fn] of malformed) {
    it(`answers 502 for ${name}, with DEFAULT_5XX parameters, and keeps serving`, async () => {
      proxy = fn;
      const res = await send(`${api.url}/public`);
      expect(res.status).to.equal(502);
      expect(res.body).to.equal('{"message":"Internal server error"}');
      expect(res.headers["x-amzn-errortype"]).to.equal("InternalServerErrorException");
      expect(res.headers["access-control-allow-origin"]).to.equal("*");
      proxy = () => result({ statusCode: 200, body: "ok" });
      expect((await send(`${api.url}/public`)).body).to.equal("ok");
    });
  }

  it("answers 504 when the integration exceeds TimeoutInMillis, and keeps serving", async () => {
    proxy = () => new Promise(() => {});
    const res = await send(`${api.url}/slow`);
    expect(res.status).to.equal(504);
    expect(res.json()).to.deep.equal({ message: "Endpoint request timed out" });
    proxy = () => result({ statusCode: 200, body: "ok" });
    expect((await send(`${api.url}/public`)).status).to.equal(200);
  });

  it("invokes a REQUEST authorizer on every request when the TTL is 0", async () => {
    await api.stop();
    await start("0");
    await send(`${api.url}/items/1?tenant=t`, { headers: KEY });
    await send(`${api.url}/items/1?tenant=t`, { headers: KEY });
    expect(authCalls()).to.equal(2);
  });
});
