/**
 * The local gateway's limits over HTTP (templates/request-proxy.yaml): an integration that timed out
 * (504) and an authorizer past its function's Timeout are stopped, not left running; a full function
 * queue and the cap on request-body bytes in progress answer 429 like API Gateway's throttling; query
 * and header names such as `constructor` and `__proto__` are ordinary names.
 */
import { expect } from "chai";
import { type FakeFunction, policy, result, send, startTestGateway, type TestGateway } from "./harness.js";

describe("local gateway: limits", () => {
  let api: TestGateway;
  let proxy: FakeFunction;
  let authorizer: FakeFunction;
  const start = async (maxConcurrentBodyBytes?: number) => {
    api = await startTestGateway(
      "request-proxy",
      { AuthFunction: (e, s) => authorizer(e, s), ProxyFunction: (e, s) => proxy(e, s) },
      {},
      // No allowance for waiting in a queue: the fake invoker has none.
      {
        authorizerQueueAllowanceMs: 0,
        ...(maxConcurrentBodyBytes === undefined ? {} : { maxConcurrentBodyBytes }),
      },
    );
  };
  beforeEach(async () => {
    authorizer = () => result(policy("Allow", "*"));
    proxy = (e) => result({ statusCode: 200, body: JSON.stringify(e) });
    await start();
  });
  afterEach(() => api.stop());

  it("aborts the invocation of an integration that answered 504", async () => {
    proxy = () => new Promise(() => {});
    expect((await send(`${api.url}/slow`)).status).to.equal(504);
    expect(api.aborted).to.deep.equal(["ProxyFunction"]);
  });

  it("bounds the authorizer call by its function's Timeout (3 s by default) plus the queue allowance: 500, the invocation aborted", async function () {
    this.timeout(10_000);
    authorizer = () => new Promise(() => {});
    const started = Date.now();
    const res = await send(`${api.url}/items/1?tenant=t`, { headers: { "X-Key": "k" } });
    expect(res.status).to.equal(500);
    expect(res.headers["x-amzn-errortype"]).to.equal("AuthorizerConfigurationException");
    expect(Date.now() - started).to.be.within(2900, 6000);
    expect(api.aborted).to.deep.equal(["AuthFunction"]);
    expect(api.logs.find((line) => line.startsWith("GET /dev/items/1 500"))).to.match(
      /timed out after \d+ ms/,
    );
  });

  it("answers 429 Too Many Requests when the function's queue is full", async () => {
    proxy = () => ({ kind: "throttled" });
    const res = await send(`${api.url}/public`);
    expect(res.status).to.equal(429);
    expect(res.json()).to.deep.equal({ message: "Too Many Requests" });
    expect(res.headers["x-amzn-errortype"]).to.equal("TooManyRequestsException");
    expect(api.logs.find((line) => line.startsWith("GET /dev/public 429"))).to.match(
      /queue of waiting invocations is full/,
    );
  });

  it("answers 429 when request bodies in progress would pass the body-byte cap, and frees it after", async () => {
    await api.stop();
    await start(1000);
    let release: () => void = () => {};
    proxy = () =>
      new Promise((resolve) => {
        release = () => resolve(result({ statusCode: 200, body: "held" }));
      });
    const holding = send(`${api.url}/public`, { body: "x".repeat(800) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await send(`${api.url}/public`, { body: "y".repeat(800) });
    expect(refused.status).to.equal(429);
    expect(refused.json()).to.deep.equal({ message: "Too Many Requests" });
    release();
    expect((await holding).status).to.equal(200);
    proxy = () => result({ statusCode: 200, body: "ok" });
    expect((await send(`${api.url}/public`, { body: "z".repeat(800) })).status).to.equal(200);
  });

  it("treats constructor, toString and __proto__ as ordinary query and header names", async () => {
    const res = await send(`${api.url}/public?constructor=1&toString=2&__proto__=3&hasOwnProperty=4`, {
      // A computed key: a literal `__proto__:` would set the object's prototype, not a header.
      headers: { constructor: "c", ["__proto__"]: "p", toString: "t" },
    });
    expect(res.status).to.equal(200);
    const event = res.json() as {
      queryStringParameters: Record<string, string>;
      multiValueQueryStringParameters: Record<string, string[]>;
      headers: Record<string, string>;
    };
    expect(event.queryStringParameters).to.deep.include({
      constructor: "1",
      toString: "2",
      hasOwnProperty: "4",
    });
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, "__proto__")?.value).to.equal("3");
    expect(
      Object.getOwnPropertyDescriptor(event.multiValueQueryStringParameters, "constructor")?.value,
    ).to.deep.equal(["1"]);
    expect(event.headers).to.deep.include({ constructor: "c", toString: "t" });
    expect(Object.getOwnPropertyDescriptor(event.headers, "__proto__")?.value).to.equal("p");
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
