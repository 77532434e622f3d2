/**
 * The decision trace and the reason on each non-2xx request line: one case per reason a person
 * meets (401 no header / fails the expression / unknown / expired token; 403 implicit and explicit
 * deny on a cache miss and hit; 500 authorizer error and init failure; 502/504 function failures),
 * and never a token in the trace or the log.
 */
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import type { RequestTrace } from "../../../local/gateway/trace.js";
import {
  type FakeFunction,
  policy,
  result,
  send,
  startTestGateway,
  type TestGateway,
  thrown,
} from "./harness.js";

const TOKEN = "tokenAbc123XYZ";
const TOKEN_DIGEST = digestPrefix(digestToken(TOKEN));

/** What the project's token authorizer does when it refuses: log why, throw Unauthorized. */
const refused = (reason: string) => ({
  ...thrown("Unauthorized", "UnauthorizedError"),
  logs: [
    `{"level":"INFO","service":"authorizer","message":"refused","reason":"${reason}","token":"${TOKEN_DIGEST}"}`,
  ],
});

/** The request's log line (the one ending with its request id). */
function lineOf(api: TestGateway, trace: RequestTrace): string {
  const line = api.logs.find((l) => l.endsWith(trace.requestId));
  if (!line) expect.fail(`no log line for ${trace.requestId} in ${api.logs.join("\n")}`);
  return line;
}

async function call(api: TestGateway, path: string, headers: Record<string, string> = {}, method = "GET") {
  const response = await send(`${api.url}${path}`, { method, headers });
  const trace = api.traces.at(-1) as RequestTrace;
  expect(response.headers["x-amzn-requestid"]).to.equal(trace.requestId);
  return { response, trace, line: lineOf(api, trace) };
}

describe("local gateway: decision trace and reason lines", () => {
  describe("TOKEN authorizer (token-aws)", () => {
    let api: TestGateway;
    let authorize: () => ReturnType<typeof result> | ReturnType<typeof refused>;
    beforeEach(async () => {
      authorize = () => result(policy("Allow", "arn:aws:execute-api:*:*:*/v1/PUT/user"));
      api = await startTestGateway("token-aws", {
        AuthFunction: () => authorize(),
        BackendFunction: () => result({ id: "x", name: "X" }),
      });
    });
    afterEach(() => api.stop());

    it("401 without the header: names the identity source, authorizer not called", async () => {
      const { response, line, trace } = await call(api, "/user/x");
      expect(response.status).to.equal(401);
      expect(line).to.match(
        /^GET \/v1\/user\/x 401 — identity source method\.request\.header\.Authorization missing or empty \(authorizer Authorizer not called\) \d+ms /,
      );
      expect(trace.authorizer?.identity).to.deep.equal([{ source: "method.request.header.Authorization" }]);
      expect(api.calls.AuthFunction).to.equal(undefined);
    });

    it("401 for a Bearer value: fails the IdentityValidationExpression as written", async () => {
      const { response, line, trace } = await call(api, "/user/x", { Authorization: `Bearer ${TOKEN}` });
      expect(response.status).to.equal(401);
      expect(line).to.include(
        "401 — Authorization fails IdentityValidationExpression ^[a-zA-Z0-9]{3,32}$ (authorizer Authorizer not called)",
      );
      expect(trace.authorizer?.validationExpression).to.deep.equal({
        pattern: "^[a-zA-Z0-9]{3,32}$",
        matched: false,
      });
      expect(trace.authorizer?.identity[0]?.digest).to.equal(digestPrefix(digestToken(`Bearer ${TOKEN}`)));
    });

    for (const reason of ["unknown token", "expired token"]) {
      it(`401 for an ${reason}: the authorizer's own reason, the token as a digest prefix`, async () => {
        authorize = () => refused(reason);
        const { response, line, trace } = await call(api, "/user/x", { Authorization: TOKEN });
        expect(response.status).to.equal(401);
        expect(line).to.include(
          `401 — authorizer Authorizer answered Unauthorized for token ${TOKEN_DIGEST}: ${reason}`,
        );
        expect(trace.authorizer?.invocation).to.include({ outcome: "error", refusal: reason });
      });
    }

    it("403 ImplicitDeny on a miss, then on a cache hit with the TTL left, naming what the policy allows", async () => {
      const miss = await call(api, "/user/x", { Authorization: TOKEN });
      expect(miss.response.status).to.equal(403);
      expect(miss.trace.authorizer).to.include({
        cache: "miss",
        decision: "ImplicitDeny",
        principalId: "alice",
      });
      expect(miss.line).to.include(
        "403 — ImplicitDeny — policy from Authorizer (miss, principal alice) has no statement for arn:aws:execute-api:",
      );
      expect(miss.line).to.include("/v1/GET/user/x; it allows PUT /user");
      expect(miss.trace.authorizer?.statements).to.deep.equal([
        { index: 0, effect: "Allow", resources: ["arn:aws:execute-api:*:*:*/v1/PUT/user"], matched: false },
      ]);

      api.clock.now += 88_000;
      const hit = await call(api, "/user/x", { Authorization: TOKEN });
      expect(hit.response.status).to.equal(403);
      expect(hit.trace.authorizer).to.include({
        cache: "hit",
        ttlSecondsLeft: 212,
        decision: "ImplicitDeny",
      });
      expect(hit.trace.authorizer?.cacheKey)
        .to.equal(miss.trace.authorizer?.cacheKey)
        .and.match(/^[0-9a-f]{12}$/);
      expect(hit.line).to.include(
        "403 — ImplicitDeny — cached policy (hit, 212 s left) has no statement for",
      );
      expect(api.calls.AuthFunction).to.have.length(1);
    });

    it("after a flush, a new policy is explained afresh: nothing remembered outlives its cache entry", async () => {
      const before = await call(api, "/user/x", { Authorization: TOKEN });
      const hit = await call(api, "/user/x", { Authorization: TOKEN });
      expect([before.response.status, hit.response.status]).to.deep.equal([403, 403]);
      expect(hit.trace.authorizer?.statements).to.equal(before.trace.authorizer?.statements);

      authorize = () => result(policy("Allow", "arn:aws:execute-api:*:*:*/v1/GET/user/*"));
      expect(api.gateway.authorizerCache.flush(api.clock.now)).to.equal(1);
      const after = await call(api, "/user/x", { Authorization: TOKEN });
      expect(after.response.status).to.equal(200);
      expect(after.line).to.match(/^GET \/v1\/user\/x 200 \d+ms /);
      expect(after.trace.authorizer).to.include({ cache: "miss", decision: "Allow" });
      expect(after.trace.authorizer?.statements).to.deep.equal([
        { index: 0, effect: "Allow", resources: ["arn:aws:execute-api:*:*:*/v1/GET/user/*"], matched: true },
      ]);
      expect(api.calls.AuthFunction).to.have.length(2);
    });

    it("403 ExplicitDeny names the deciding statement", async () => {
      authorize = () => result(policy("Deny", "*"));
      const { response, line } = await call(api, "/user/x", { Authorization: TOKEN });
      expect(response.status).to.equal(403);
      expect(line).to.match(
        /403 — ExplicitDeny — policy from Authorizer \(miss, principal alice\): statement #0 denies arn:aws:execute-api:.*\/v1\/GET\/user\/x/,
      );
    });

    it("500 when the authorizer throws something else than Unauthorized", async () => {
      authorize = () => thrown("connect ECONNREFUSED 127.0.0.1:8000");
      const { response, line } = await call(api, "/user/x", { Authorization: TOKEN });
      expect(response.status).to.equal(500);
      expect(line).to.include(
        "500 — authorizer Authorizer failed — Error: connect ECONNREFUSED 127.0.0.1:8000 (AuthorizerConfigurationException)",
      );
    });

    it("500 when the authorizer cannot load a module: says Cannot find module", async () => {
      authorize = () => ({
        ...thrown("Cannot find module 'jose' imported from /var/task/index.mjs"),
        initFailed: true,
      });
      const { response, line } = await call(api, "/user/x", { Authorization: TOKEN });
      expect(response.status).to.equal(500);
      expect(line).to.include("authorizer Authorizer failed — init failed, Error: Cannot find module 'jose'");
    });

    it("500 for an authorizer result API Gateway cannot use", async () => {
      authorize = () => result({ principalId: 7, policyDocument: {} });
      const { response, line } = await call(api, "/user/x", { Authorization: TOKEN });
      expect(response.status).to.equal(500);
      expect(line).to.include("returned an invalid result: principalId is not a string");
    });

    it("403 Missing Authentication Token says which resource lacks the verb", async () => {
      const { line, trace } = await call(api, "/user/x", {}, "DELETE");
      expect(line).to.include(
        "403 — Missing Authentication Token — resource /user/{id} has no DELETE method (it has GET",
      );
      expect(trace.route).to.deep.equal({
        matched: false,
        why: trace.route?.matched === false ? trace.route.why : "",
      });
      const none = await call(api, "/nothing/here");
      expect(none.line).to.include("no resource of the API matches /nothing/here");
    });

    it("a 2xx has no reason; its trace has the route, the decision and the integration", async () => {
      authorize = () => result(policy("Allow", "*"));
      const { response, line, trace } = await call(api, "/user/x", { Authorization: TOKEN });
      expect(response.status).to.equal(200);
      expect(line).to.match(/^GET \/v1\/user\/x 200 \d+ms /);
      expect(trace).to.include({ status: 200, method: "GET", path: "/v1/user/x" });
      expect(trace.route).to.deep.equal({ matched: true, resource: "/user/{id}", httpMethod: "GET" });
      expect(trace.authorizer).to.include({
        decision: "Allow",
        name: "Authorizer",
        type: "TOKEN",
        ttlSeconds: 300,
      });
      expect(trace.integration?.type).to.equal("AWS");
      expect(trace.integration?.invocation).to.include({ outcome: "result" });
      expect(trace.integration?.selectionPattern).to.match(/^default/);
    });

    it("never puts the token in a trace or a log line", async () => {
      for (const outcome of [() => result(policy("Allow", "*")), () => refused("unknown token")]) {
        authorize = outcome;
        await call(api, "/user/x", { Authorization: TOKEN });
        await call(api, "/user/x", { Authorization: `Bearer ${TOKEN}` });
      }
      const everything = JSON.stringify(api.traces) + api.logs.join("\n");
      expect(everything).to.not.include(TOKEN);
      expect(everything).to.include(TOKEN_DIGEST);
    });
  });

  describe("proxy integrations (request-proxy)", () => {
    let api: TestGateway;
    let backend: FakeFunction;
    beforeEach(async () => {
      backend = () => result({ statusCode: 200, body: "{}" });
      api = await startTestGateway("request-proxy", {
        AuthFunction: () => result(policy("Allow", "*")),
        ProxyFunction: (event) => backend(event),
        SlowFunction: () =>
          new Promise((resolve) => setTimeout(() => resolve(result({ statusCode: 200 })), 300)),
      });
    });
    afterEach(() => api.stop());

    it("502 for a function crash, with its message", async () => {
      backend = () => ({ kind: "crash", message: "the function's process exited with code 1" });
      const { response, line } = await call(api, "/public");
      expect(response.status).to.equal(502);
      expect(line).to.match(/502 — function \S+ failed — crashed: the function's process exited with code 1/);
    });

    it("502 for a function that cannot load a module", async () => {
      backend = () => ({ ...thrown("Cannot find module './user-store.js'"), initFailed: true });
      const { response, line } = await call(api, "/public");
      expect(response.status).to.equal(502);
      expect(line).to.include("failed — init failed, Error: Cannot find module './user-store.js'");
    });

    it("502 for a response that is not a proxy response, saying what is wrong", async () => {
      backend = () => result({ statusCode: 200, body: { not: "a string" } });
      const { response, line } = await call(api, "/public");
      expect(response.status).to.equal(502);
      expect(line).to.include("bad proxy response from");
      expect(line).to.include("body is object, not a string");
    });

    it("504 when the integration timeout passes", async () => {
      backend = () => new Promise((resolve) => setTimeout(() => resolve(result({ statusCode: 200 })), 300));
      const { response, line, trace } = await call(api, "/slow");
      expect(response.status).to.equal(504);
      expect(line).to.include("504 — integration timed out");
      expect(trace.gatewayResponse?.type).to.equal("INTEGRATION_TIMEOUT");
    });
  });
});
