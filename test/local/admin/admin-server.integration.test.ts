/**
 * The local admin server: 127.0.0.1 only, Host and Origin checks, the bearer secret on every
 * `/api/*` call, no CORS, the page's static files; and the lib client the token CLI uses.
 */
import { request } from "node:http";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  type AuthorizerCacheEntry,
  localAdminClient,
  type RequestRecord,
} from "../../../lib/local-admin-client.js";
import { type AdminServer, startAdminServer } from "../../../local/admin/admin-server.js";

const entry: AuthorizerCacheEntry = {
  stage: "v1",
  authorizerId: "abc123",
  authorizer: "TokenAuthorizer",
  keyDigest: "0123456789ab",
  identity: ["ba7816bf8f01"],
  principalId: "alice",
  ttlSecondsLeft: 212,
};
const record: RequestRecord = {
  requestId: "req-1",
  method: "GET",
  path: "/v1/user/x",
  status: 403,
  time: "2026-01-01T00:00:00.000Z",
  durationMs: 3,
  principalId: "alice",
  cache: "hit",
  decision: "ImplicitDeny",
  trace: {},
};

/** A raw request (fetch would not let a test forge Host). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string> },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode as number, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("local admin server", () => {
  let admin: AdminServer;
  let cached: AuthorizerCacheEntry[];
  beforeEach(async () => {
    cached = [entry];
    admin = await startAdminServer({
      port: 0,
      sources: {
        requests: () => [record],
        authorizerCache: () => cached,
        flushAuthorizerCache: () => cached.splice(0).length,
      },
    });
  });
  afterEach(() => admin.stop());

  const bearer = () => ({ Authorization: `Bearer ${admin.secret}` });

  it("listens on 127.0.0.1 with a fresh random secret per run, given in the page link's fragment", async () => {
    expect(admin.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(admin.secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(admin.pageUrl).to.equal(`${admin.url}#key=${admin.secret}`);
    const other = await startAdminServer({
      port: 0,
      sources: { requests: () => [], authorizerCache: () => [], flushAuthorizerCache: () => 0 },
    });
    await other.stop();
    expect(other.secret).to.not.equal(admin.secret);
  });

  it("answers the API with the secret: requests, cache, flush", async () => {
    const client = localAdminClient({ admin: { url: admin.url, secret: admin.secret } });
    expect(await client.requests()).to.deep.equal([record]);
    expect(await client.authorizerCache()).to.deep.equal([entry]);
    expect(await client.flushAuthorizerCache()).to.equal(1);
    expect(await client.authorizerCache()).to.deep.equal([]);
  });

  it("refuses every API call without the right secret", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
      { Authorization: admin.secret },
    ];
    for (const headers of attempts) {
      const response = await send(`${admin.url}api/requests`, { headers });
      expect(response.status).to.equal(401);
      expect(response.body).to.not.include(admin.secret);
    }
    const flush = await send(`${admin.url}api/authorizer-cache/flush`, { method: "POST" });
    expect(flush.status).to.equal(401);
    expect(cached).to.have.length(1);
    const client = localAdminClient({ admin: { url: admin.url, secret: "wrong" } });
    await expectRejection(
      client.flushAuthorizerCache(),
      ApigwTokenAuthError,
      "refused POST /api/authorizer-cache/flush",
    );
  });

  it("refuses a foreign Host (DNS rebinding) even with the secret", async () => {
    const port = new URL(admin.url).port;
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1:1"]) {
      const response = await send(`${admin.url}api/requests`, { headers: { ...bearer(), Host: host } });
      expect(response.status, host).to.equal(421);
    }
    const local = await send(`${admin.url}api/requests`, {
      headers: { ...bearer(), Host: `localhost:${port}` },
    });
    expect(local.status).to.equal(200);
  });

  it("refuses a foreign Origin and never sends CORS headers", async () => {
    const foreign = await send(`${admin.url}api/authorizer-cache/flush`, {
      method: "POST",
      headers: { ...bearer(), Origin: "http://evil.example" },
    });
    expect(foreign.status).to.equal(403);
    expect(cached).to.have.length(1);
    const own = await send(`${admin.url}api/requests`, {
      headers: { ...bearer(), Origin: admin.url.slice(0, -1) },
    });
    expect(own.status).to.equal(200);
    const preflight = await send(`${admin.url}api/requests`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).to.equal(403);
    for (const response of [foreign, own, preflight]) {
      expect(
        Object.keys(response.headers).filter((name) => name.startsWith("access-control-")),
      ).to.deep.equal([]);
    }
  });

  it("serves the page without data and with a strict content security policy", async () => {
    const page = await send(admin.url, {});
    expect(page.status).to.equal(200);
    expect(page.body).to.include("Local API inspector");
    expect(page.headers["content-security-policy"]).to.include("script-src 'self'");
    expect(page.headers["referrer-policy"]).to.equal("no-referrer");
    expect((await send(`${admin.url}inspector.js`, {})).status).to.equal(200);
    expect((await send(`${admin.url}nothing`, {})).status).to.equal(404);
    expect((await send(`${admin.url}api/nothing`, { headers: bearer() })).status).to.equal(404);
  });

  it("tells the client when the admin server is off or gone", async () => {
    expect(() => localAdminClient({})).to.throw(ApigwTokenAuthError, "INSPECTOR_PORT=0");
    const url = admin.url;
    await admin.stop();
    await expectRejection(
      localAdminClient({ admin: { url, secret: "x" } }).requests(),
      ApigwTokenAuthError,
      "cannot reach the local admin server",
    );
  });
});

async function expectRejection(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  text: string,
) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.include(text);
    return;
  }
  expect.fail(`expected a ${type.name}`);
}
