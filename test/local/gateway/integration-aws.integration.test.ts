/**
 * Non-proxy (Type: AWS) Lambda integrations, request validation and MOCK over HTTP
 * (templates/token-aws.yaml): mapping templates, SelectionPattern on errorMessage, Accept-chosen
 * response templates, response parameters, 204 without body, validators and gateway responses.
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
const JSON_AUTH = { ...AUTH, "Content-Type": "application/json" };

describe("local gateway: AWS integration, validation and MOCK", () => {
  let api: TestGateway;
  let backend: FakeFunction;
  beforeEach(async () => {
    backend = () => result(null);
    api = await startTestGateway("token-aws", {
      AuthFunction: () => result(policy("Allow", "*", "alice")),
      BackendFunction: (e) => backend(e),
    });
  });
  afterEach(() => api.stop());
  const backendCalls = () => api.calls.BackendFunction ?? [];

  it("maps the request with its template ($input, $context, $util, $stageVariables) and answers 204 without a body", async () => {
    const res = await send(`${api.url}/user`, {
      method: "PUT",
      headers: JSON_AUTH,
      body: '{"id":"u1","name":"O\'Neil"}',
    });
    expect(res.status).to.equal(204);
    expect(res.body).to.equal("");
    expect(res.headers["access-control-allow-origin"]).to.equal("*");
    expect(res.headers["x-amzn-requestid"]).to.be.a("string").and.not.equal("");
    expect(res.headers["x-amz-apigw-id"]).to.match(/^[A-Za-z0-9+/]{15}=$/);
    expect(backendCalls()).to.deep.equal([
      {
        operation: "putUser",
        principalId: "alice",
        tier: "",
        requestId: res.headers["x-amzn-requestid"],
        stage: "test",
        user: { id: "u1", name: "O'Neil" },
      },
    ]);
  });

  it("selects the default response on success, its template by Accept, and maps a header from the body", async () => {
    backend = (e) => result({ user: { id: e.id, name: "Ann" }, principal: e.principalId });
    const json = await send(`${api.url}/user/7`, { headers: AUTH });
    expect(json.status).to.equal(200);
    expect(json.json()).to.deep.equal({ id: "7", name: "Ann" });
    expect(json.headers["content-type"]).to.equal("application/json");
    expect(json.headers["x-principal"]).to.equal("alice");
    const text = await send(`${api.url}/user/7`, {
      headers: { ...AUTH, Accept: "text/plain, application/json" },
    });
    expect(text.headers["content-type"]).to.equal("text/plain");
    expect(text.body).to.equal("user Ann");
    const fallback = await send(`${api.url}/user/7`, { headers: { ...AUTH, Accept: "application/xml" } });
    expect(fallback.headers["content-type"]).to.equal("application/json");
  });

  it("selects integration responses by SelectionPattern matched against the whole errorMessage", async () => {
    backend = (e) =>
      e.id === "missing" ? thrown("NotFound: user missing does not exist", "NotFoundError") : thrown("boom");
    const notFound = await send(`${api.url}/user/missing`, { headers: AUTH });
    expect(notFound.status).to.equal(404);
    expect(notFound.json()).to.deep.equal({ message: "NotFound: user missing does not exist" });
    expect(notFound.headers["x-error-type"]).to.equal("NotFoundError");
    const other = await send(`${api.url}/user/x`, { headers: AUTH });
    expect(other.status).to.equal(500);
    expect(other.json()).to.deep.equal({ message: "Internal server error" });
  });

  it("maps a BadRequest error through a template using Java String methods", async () => {
    backend = () => thrown("BadRequest: name is too long");
    const res = await send(`${api.url}/user`, {
      method: "PUT",
      headers: JSON_AUTH,
      body: '{"id":"u1","name":"A"}',
    });
    expect(res.status).to.equal(400);
    expect(res.json()).to.deep.equal({ message: "name is too long" });
  });

  it("answers a function timeout or crash as the Lambda error it is, through the selection patterns", async () => {
    backend = () => ({ kind: "timeout" });
    const timedOut = await send(`${api.url}/user/1`, { headers: AUTH });
    expect(timedOut.status).to.equal(500);
    // Chosen by the 500 integration response (not a gateway error, which would carry x-amzn-ErrorType).
    expect(timedOut.headers["x-amzn-errortype"]).to.equal(undefined);
    backend = () => ({ kind: "crash", message: "exit status 1" });
    const crashed = await send(`${api.url}/user/1`, { headers: AUTH });
    expect(crashed.status).to.equal(500);
    expect(crashed.headers["x-amzn-errortype"]).to.equal(undefined);
    backend = (e) => result({ user: { id: e.id }, principal: "p" });
    expect((await send(`${api.url}/user/1`, { headers: AUTH })).status).to.equal(200);
  });

  it("validates the body against the model and answers 400 through the customised BAD_REQUEST_BODY", async () => {
    const res = await send(`${api.url}/user`, {
      method: "PUT",
      headers: { ...JSON_AUTH, "X-Echo": "e" },
      body: '{"id":"u1"}',
    });
    expect(res.status).to.equal(400);
    const body = res.json() as Record<string, string>;
    expect(body.message).to.equal("Invalid request body");
    expect(body.type).to.equal("BAD_REQUEST_BODY");
    expect(body.env).to.equal("test");
    expect(body.details).to.contain("name");
    expect(res.headers["x-amzn-errortype"]).to.equal("BadRequestException");
    // A configured type does not inherit DEFAULT_4XX's parameters.
    expect(res.headers["x-echo"]).to.equal(undefined);
    expect(backendCalls()).to.have.length(0);
  });

  it("treats a request without Content-Type as application/json for the model, and invalid JSON as invalid", async () => {
    const noType = await send(`${api.url}/user`, { method: "PUT", headers: AUTH, body: '{"id":"u1"}' });
    expect(noType.status).to.equal(400);
    const notJson = await send(`${api.url}/user`, { method: "PUT", headers: JSON_AUTH, body: "{oops" });
    expect(notJson.status).to.equal(400);
    expect(notJson.json()).to.have.property("message", "Invalid request body");
  });

  it("skips body validation for a content type without a model, and NEVER passthrough then answers 415", async () => {
    const res = await send(`${api.url}/user`, {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/xml" },
      body: "<user/>",
    });
    expect(res.status).to.equal(415);
    expect(res.json()).to.deep.equal({ message: "Unsupported Media Type" });
    expect(backendCalls()).to.have.length(0);
  });

  it("answers MOCK integrations (CORS preflight) without an authorizer, with static response parameters", async () => {
    const res = await send(`${api.url}/user`, { method: "OPTIONS" });
    expect(res.status).to.equal(200);
    expect(res.body).to.equal("{}");
    expect(res.headers["access-control-allow-methods"]).to.equal("GET,PUT,OPTIONS");
    expect(res.headers["access-control-allow-origin"]).to.equal("*");
    expect(api.calls.AuthFunction).to.equal(undefined);
  });

  it("adds DEFAULT_4XX response parameters (static and method.request) to gateway errors such as 401 and 403", async () => {
    const unauthorized = await send(`${api.url}/user/1`, { headers: { "X-Echo": "hello" } });
    expect(unauthorized.status).to.equal(401);
    expect(unauthorized.headers["access-control-allow-origin"]).to.equal("*");
    expect(unauthorized.headers["x-echo"]).to.equal("hello");
    const missing = await send(`${api.url}/nowhere`);
    expect(missing.status).to.equal(403);
    expect(missing.json()).to.deep.equal({ message: "Missing Authentication Token" });
    expect(missing.headers["x-amzn-errortype"]).to.equal("MissingAuthenticationTokenException");
    expect(missing.headers["access-control-allow-origin"]).to.equal("*");
  });
});
