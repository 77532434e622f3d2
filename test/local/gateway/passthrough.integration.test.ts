/**
 * Passthrough behaviours, MOCK status selection, parameter validation, $default-less model
 * selection and DEFAULT_4XX inheritance over HTTP (templates/passthrough.yaml).
 */
import { expect } from "chai";
import { result, send, startTestGateway, type TestGateway } from "./harness.js";

describe("local gateway: passthrough, MOCK, parameter validation, gateway responses", () => {
  let api: TestGateway;
  beforeEach(async () => {
    api = await startTestGateway("passthrough", { EchoFunction: (e) => result(e) });
  });
  afterEach(() => api.stop());
  const echoes = () => api.calls.EchoFunction ?? [];
  const OTHER_JSON = { "Content-Type": "application/vnd.test+json" };

  it("WHEN_NO_MATCH: maps a matching content type (and a missing one) and passes any other through untransformed", async () => {
    const mapped = await send(`${api.url}/no-match?q=1`, {
      method: "POST",
      headers: { "x-h": "H" },
      body: '{"n":3}',
    });
    expect(mapped.status).to.equal(200);
    expect(mapped.json()).to.deep.equal({ mapped: 3, q: "1", h: "H" });
    const passed = await send(`${api.url}/no-match`, {
      method: "POST",
      headers: OTHER_JSON,
      body: '{"n":99}',
    });
    expect(passed.status).to.equal(200);
    expect(passed.json()).to.deep.equal({ n: 99 });
  });

  it("skips body validation when no model matches the content type", async () => {
    const res = await send(`${api.url}/no-match`, {
      method: "POST",
      headers: OTHER_JSON,
      body: '{"n":"not a number"}',
    });
    expect(res.status).to.equal(200);
    const invalid = await send(`${api.url}/no-match`, { method: "POST", body: '{"n":10}' });
    expect(invalid.status).to.equal(422);
    expect(echoes()).to.have.length(1);
  });

  it("WHEN_NO_TEMPLATES: 415 when templates exist but none matches, passthrough when there are none", async () => {
    const refused = await send(`${api.url}/no-templates`, {
      method: "POST",
      headers: OTHER_JSON,
      body: "{}",
    });
    expect(refused.status).to.equal(422);
    expect(refused.json()).to.deep.include({
      error: "Unsupported Media Type",
      type: "UNSUPPORTED_MEDIA_TYPE",
    });
    const mapped = await send(`${api.url}/no-templates`, { method: "POST", body: "{}" });
    expect(mapped.json()).to.deep.equal({ mapped: true });
    const passed = await send(`${api.url}/no-templates-empty`, {
      method: "POST",
      headers: OTHER_JSON,
      body: '{"a":1}',
    });
    expect(passed.json()).to.deep.equal({ a: 1 });
  });

  it("NEVER: refuses every request without a matching template, even without Content-Type", async () => {
    for (const headers of [{}, OTHER_JSON]) {
      const res = await send(`${api.url}/never`, { method: "POST", headers, body: "{}" });
      expect(res.status).to.equal(422);
      expect(res.json()).to.have.property("type", "UNSUPPORTED_MEDIA_TYPE");
    }
    expect(echoes()).to.have.length(0);
  });

  it("MOCK: the request template's statusCode selects the integration response by pattern, else the default", async () => {
    const found = await send(`${api.url}/mock`);
    expect(found.status).to.equal(200);
    expect(found.json()).to.deep.equal({ ok: true, stage: "test", time: api.clock.now });
    const missing = await send(`${api.url}/mock?code=404`);
    expect(missing.status).to.equal(404);
    expect(missing.body.trim()).to.equal('{"found":false}');
    expect(missing.headers["x-override"]).to.equal("yes");
  });

  it("validates required parameters (headers, then path, then query string; blank = missing)", async () => {
    const missing = await send(`${api.url}/params/7?q=`);
    expect(missing.status).to.equal(422);
    expect(missing.json()).to.deep.include({
      error: "Missing required request parameters: [X-Req, q]",
      type: "BAD_REQUEST_PARAMETERS",
    });
    const ok = await send(`${api.url}/params/7?q=1`, { headers: { "x-req": "v" } });
    expect(ok.status).to.equal(200);
    expect(ok.json()).to.deep.equal({ id: "7", which: "param" });
  });

  it("prefers a literal resource over a {param} sibling and ignores a trailing slash", async () => {
    expect((await send(`${api.url}/params/me`)).json()).to.deep.equal({ which: "literal" });
    expect((await send(`${api.url}/params/me/`)).json()).to.deep.equal({ which: "literal" });
  });

  it("lets DEFAULT_4XX set status, template and headers of unconfigured 4XX types; a configured type wins", async () => {
    const invalid = await send(`${api.url}/no-match`, { method: "POST", body: "{}" });
    expect(invalid.status).to.equal(422);
    expect(invalid.headers["x-default"]).to.equal("4xx");
    expect(invalid.headers["x-amzn-errortype"]).to.equal("BadRequestException");
    expect(invalid.json()).to.deep.equal({
      error: "Invalid request body",
      type: "BAD_REQUEST_BODY",
      request: invalid.headers["x-amzn-requestid"],
    });
    const noRoute = await send(`${api.url}/nowhere`, { method: "DELETE" });
    expect(noRoute.status).to.equal(404);
    expect(noRoute.headers["x-default"]).to.equal(undefined);
    expect(noRoute.json()).to.deep.equal({ message: "no route for DELETE /test/nowhere" });
  });
});
