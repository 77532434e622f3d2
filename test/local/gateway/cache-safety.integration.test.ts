/**
 * The cache-unsafe authorizer warning, with a naive authorizer (a policy for `event.methodArn`
 * only, as many tutorials write it) on the token-aws test template: a cached policy denies the
 * second method, a fresh call off the request path would allow it, so the gateway says once what is
 * wrong and how to fix it. A correct authorizer, and a deny the fresh call confirms, never warn; and
 * without `checkCacheSafety` (the default) nothing is called afresh.
 */
import { expect } from "chai";
import { policy, result, send, startTestGateway, type TestGateway } from "./harness.js";

const TOKEN = "tokenAbc123XYZ";
const auth = { Authorization: TOKEN };
const user = JSON.stringify({ id: "x", name: "X" });
const put = { method: "PUT", headers: { ...auth, "Content-Type": "application/json" }, body: user };

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const warnings = (api: TestGateway) => api.logs.filter((line) => line.includes("is cache-unsafe"));

describe("local gateway: cache-unsafe authorizer warning", () => {
  let api: TestGateway;
  afterEach(() => api.stop());

  it("warns once, with the fix, when a naive methodArn-only policy denies the next method", async () => {
    api = await startTestGateway(
      "token-aws",
      {
        AuthFunction: (event) => result(policy("Allow", event.methodArn as string)),
        BackendFunction: () => result(null),
      },
      {},
      { checkCacheSafety: true },
    );
    expect((await send(`${api.url}/user/x`, { headers: auth })).status).to.equal(200);
    const denied = await send(`${api.url}/user`, put);
    expect(denied.status).to.equal(403);
    expect(api.traces.at(-1)?.authorizer).to.include({ cache: "hit", decision: "ImplicitDeny" });
    await waitFor(() => warnings(api).length > 0);
    const [warning] = warnings(api);
    expect(warning).to.include("authorizer Authorizer is cache-unsafe: its cached policy denied PUT/user");
    expect(warning).to.include("with AuthorizerResultTtlInSeconds\n  300 every other method gets 403");
    expect(warning).to.include("return a policy for every method the caller may use");
    expect(warning).to.include("set AuthorizerResultTtlInSeconds to 0");
    // The fresh call was for the denied method, after the answer.
    expect(
      api.calls.AuthFunction?.map((e) => String(e.methodArn).split("/").slice(2).join("/")),
    ).to.deep.equal(["GET/user/x", "PUT/user"]);

    // Once per authorizer: more denials, no more warnings and no more fresh calls.
    await send(`${api.url}/user`, put);
    await send(`${api.url}/user/y`, { headers: auth, method: "DELETE" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(warnings(api)).to.have.length(1);
    expect(api.calls.AuthFunction).to.have.length(2);
    expect(warning).to.not.include(TOKEN);
  });

  it("stays silent for a policy that covers every method, and for a deny a fresh call confirms", async () => {
    api = await startTestGateway(
      "token-aws",
      {
        AuthFunction: () => result(policy("Allow", "arn:aws:execute-api:*:*:*/v1/GET/user/*")),
        BackendFunction: () => result(null),
      },
      {},
      { checkCacheSafety: true },
    );
    expect((await send(`${api.url}/user/x`, { headers: auth })).status).to.equal(200);
    expect((await send(`${api.url}/user/y`, { headers: auth })).status).to.equal(200);
    expect((await send(`${api.url}/user`, put)).status).to.equal(403);
    await waitFor(() => (api.calls.AuthFunction?.length ?? 0) >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(warnings(api)).to.deep.equal([]);
    expect(
      api.logs.some((line) => line.startsWith("PUT /v1/user 403 — ImplicitDeny — cached policy")),
    ).to.equal(true);
  });

  it("calls nothing afresh unless asked to (checkCacheSafety is off by default)", async () => {
    api = await startTestGateway("token-aws", {
      AuthFunction: (event) => result(policy("Allow", event.methodArn as string)),
      BackendFunction: () => result(null),
    });
    await send(`${api.url}/user/x`, { headers: auth });
    expect((await send(`${api.url}/user`, put)).status).to.equal(403);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.calls.AuthFunction).to.have.length(1);
    expect(warnings(api)).to.deep.equal([]);
  });
});
