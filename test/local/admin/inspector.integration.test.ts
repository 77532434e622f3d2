/**
 * The inspector page end to end in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core; `make test-browser` installs it, nothing is downloaded): our template run by
 * startLocalApi, requests refused and served, then the page lists them live, filters them, opens
 * one's trace, shows the authorizer cache and flushes it. Saves test-output/inspector.png.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { type Browser, chromium, type Page } from "playwright-core";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { type AdminServer, startAdminServer } from "../../../local/admin/admin-server.js";
import { createRequestRing } from "../../../local/admin/request-ring.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "../../../local/index.js";
import { ensurePackagedFunctions } from "../support/packaged-functions.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Where the test leaves its screenshot (gitignored). */
const SCREENSHOT = join(PROJECT_ROOT, "test-output", "inspector.png");

describe("local inspector page in headless Chromium", function () {
  this.timeout(180_000);
  let api: LocalApi;
  let admin: AdminServer;
  let browser: Browser;
  let page: Page;
  const tokens: string[] = [];
  const requestedUrls: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is missing (make test-browser installs Debian's chromium)`);
      this.skip();
    }
    await ensurePackagedFunctions();
    const ring = createRequestRing();
    api = await startLocalApi({
      port: 0,
      dynamodbPort: 0,
      dataDir: null,
      onTrace: (trace) => ring.push(trace),
    });
    admin = await startAdminServer({
      port: 0,
      sources: {
        requests: () => ring.list(),
        authorizerCache: () => api.authorizerCacheEntries(),
        flushAuthorizerCache: () => api.authorizerCache.flush(Date.now()),
      },
    });
    const client = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
    const table = api.outputs.TokenTableName as string;
    const store = { client, tableName: table };
    const alice = (await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] })).token;
    const demo = (await issueToken(store, { principalId: "demo", scopes: ["*"] })).token;
    client.destroy();
    tokens.push(alice, demo);
    const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
      fetch(`${api.url}${path}`, {
        method,
        headers: { ...headers, ...(body ? { "Content-Type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await call("PUT", "/user", { Authorization: demo }, { id: "bob", name: "Bob" })).status).to.equal(
      204,
    );
    expect((await call("GET", "/user/bob", { Authorization: demo })).status).to.equal(200);
    expect((await call("GET", "/user/bob", { Authorization: alice })).status).to.equal(403);
    expect((await call("GET", "/user/bob", { Authorization: alice })).status).to.equal(403);
    expect((await call("GET", "/user/bob", { Authorization: `Bearer ${alice}` })).status).to.equal(401);
    expect((await call("GET", "/user/bob")).status).to.equal(401);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("request", (request) => requestedUrls.push(request.url()));
    await page.goto(admin.pageUrl);
    await page.locator("#requests tbody tr[data-request-id]").nth(5).waitFor();
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    await api?.stop();
  });

  const rows = () => page.locator("#requests tbody tr[data-request-id]");
  const column = (name: string) => rows().locator(`td.${name}`).allTextContents();

  it("lists the requests live, newest first, with status, principal, cache and decision", async () => {
    expect(await rows().count()).to.equal(6);
    expect(await rows().locator("td.status").allTextContents()).to.deep.equal([
      "401",
      "401",
      "403",
      "403",
      "200",
      "204",
    ]);
    expect(await column("principal")).to.deep.equal(["—", "—", "alice", "alice", "demo", "demo"]);
    expect(await column("cache")).to.deep.equal(["—", "—", "hit", "miss", "hit", "miss"]);
    expect(await column("decision")).to.deep.equal([
      "—",
      "—",
      "ImplicitDeny",
      "ImplicitDeny",
      "Allow",
      "Allow",
    ]);
    const reasons = await column("reason");
    expect(reasons[0]).to.include("identity source method.request.header.Authorization missing");
    expect(reasons[1]).to.include("fails IdentityValidationExpression");
    expect(reasons[2]).to.include("ImplicitDeny — cached policy (hit,");
    expect(reasons[2]).to.include("it allows PUT /user");
  });

  it("filters by status and by principal", async () => {
    await page.selectOption("#filter-status", "403");
    expect(await column("principal")).to.deep.equal(["alice", "alice"]);
    await page.selectOption("#filter-status", "2xx");
    await page.fill("#filter-principal", "demo");
    expect(await rows().locator("td.status").allTextContents()).to.deep.equal(["200", "204"]);
    await page.fill("#filter-principal", "alice");
    expect(await rows().count()).to.equal(0);
    await page.selectOption("#filter-status", "");
    await page.fill("#filter-principal", "");
    expect(await rows().count()).to.equal(6);
  });

  it("opens the full trace of one request", async () => {
    await rows().nth(2).click();
    const trace = await page.locator("#trace").textContent();
    expect(trace).to.include('"decision": "ImplicitDeny"');
    expect(trace).to.include('"cache": "hit"');
    expect(trace).to.include("/v1/GET/user/bob");
    expect(await page.locator("#trace-id").textContent()).to.include("GET /v1/user/bob");
  });

  it("shows the authorizer cache by stage, digest prefix and principal, then flushes it", async () => {
    const cache = page.locator("#cache tbody tr");
    await cache.filter({ hasText: "alice" }).waitFor();
    const text = (await cache.allTextContents()).join("\n");
    expect(text).to.include("alice").and.include("demo").and.include("TokenAuthorizer");
    expect(await page.locator("#cache tbody td.stage").allTextContents()).to.deep.equal(["v1", "v1"]);
    expect(text).to.match(/[0-9a-f]{12}/);
    mkdirSync(join(PROJECT_ROOT, "test-output"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.click("#flush");
    await page.locator("#flush-result", { hasText: "flushed 2 entries" }).waitFor();
    await page.locator("#cache tbody tr", { hasText: "empty" }).waitFor();
    expect(api.authorizerCacheEntries()).to.deep.equal([]);
  });

  it("never shows a token, and keeps the key out of every URL it requests", async () => {
    const html = await page.content();
    for (const token of tokens) expect(html).to.not.include(token);
    expect(requestedUrls.length).to.be.greaterThan(1);
    for (const url of requestedUrls) expect(url).to.not.include(admin.secret);
  });

  it("says how to open it when the link has no key", async () => {
    const bare = await browser.newPage();
    await bare.goto(admin.url);
    await bare.locator("#status.error").waitFor();
    expect(await bare.locator("#status").textContent()).to.include(
      "open the inspector from the link make start printed",
    );
    await bare.close();
  });
});
