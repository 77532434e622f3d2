/**
 * The user story of issue 3 over real HTTP, on our own template (cloudformation/api.yaml), through
 * startLocalApi: embedded DynamoDB, the built functions in worker threads, the local gateway.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestToken } from "../../handlers/shared/token.js";
import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
import { issueToken, revokeToken } from "../../lib/tokens/token-issue-revoke.js";
import { type LocalApi, startLocalApi } from "../../local/index.js";
import { closeServer, listen } from "../../local/listen.js";
import { ensurePackagedFunctions } from "./support/packaged-functions.js";

const TTL_SECONDS = 300;

describe("local/index: the API from our template over HTTP", function () {
  this.timeout(180_000);
  let dataDir: string;
  let api: LocalApi;
  let documentClient: DynamoDBDocumentClient;
  let base: ReturnType<typeof localDynamoDBClient>;
  /** The gateway's clock: moved forward to end authorizer cache entries without waiting. */
  let clock = Date.now();

  const tokenTable = () => api.outputs.TokenTableName as string;
  const issue = async (principalId: string, scopes?: string[]) =>
    (
      await issueToken(
        { client: documentClient, tableName: tokenTable() },
        { principalId, scopes: scopes ?? ["*"] },
      )
    ).token;
  const request = (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { Authorization: token }),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const putUser = (token: string, user: unknown) => request("PUT", "/user", token, user);

  async function start(): Promise<void> {
    api = await startLocalApi({ port: 0, dynamodbPort: 0, dataDir, now: () => clock });
    base = localDynamoDBClient(api.dynamodb, api.region);
    documentClient = DynamoDBDocumentClient.from(base);
  }
  async function stop(): Promise<void> {
    base?.destroy();
    await api?.stop();
  }

  before(async () => {
    await ensurePackagedFunctions();
    dataDir = mkdtempSync(join(tmpdir(), "local-api-test-"));
    await start();
  });
  after(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the stage under /<stage> on 127.0.0.1 with the template's tables", () => {
    expect(api.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(api.stage).to.equal("v1");
    expect(api.tables).to.deep.include({ TokenTable: "local-auth-token", UserTable: "local-users" });
  });

  it("answers 401 without a token, with CORS headers so a browser can read it", async () => {
    const before = api.authorizerInvocations();
    const response = await request("GET", "/user/someone");
    expect(response.status).to.equal(401);
    expect(await response.json()).to.deep.equal({ message: "Unauthorized" });
    expect(response.headers.get("access-control-allow-origin")).to.equal("*");
    expect(response.headers.get("x-amzn-errortype")).to.equal("UnauthorizedException");
    expect(api.authorizerInvocations()).to.equal(before);
  });

  it("answers 401 to a malformed token without invoking the authorizer", async () => {
    const before = api.authorizerInvocations();
    const response = await request("GET", "/user/someone", "not a token!");
    expect(response.status).to.equal(401);
    expect(api.authorizerInvocations()).to.equal(before);
  });

  it("answers 401 to a well-formed token the table does not know (the authorizer says so)", async () => {
    const before = api.authorizerInvocations();
    const response = await request("GET", "/user/someone", "UnknownToken123");
    expect(response.status).to.equal(401);
    expect(api.authorizerInvocations()).to.equal(before + 1);
  });

  it("PUT 204 then GET 200 with the writer's principal, for an issued token", async () => {
    const token = await issue("alice");
    const put = await putUser(token, { id: "u-1", name: "Ann" });
    expect(put.status).to.equal(204);
    expect(await put.text()).to.equal("");
    const get = await request("GET", "/user/u-1", token);
    expect(get.status).to.equal(200);
    const user = await get.json();
    expect(user).to.deep.include({ id: "u-1", name: "Ann", createdBy: "alice", updatedBy: "alice" });
    expect(get.headers.get("access-control-allow-origin")).to.equal("*");
  });

  it("answers 400 to an invalid body (the request validator, before the function)", async () => {
    const token = await issue("validator");
    const response = await putUser(token, { id: "u-2" });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.equal({ message: "Invalid request body" });
  });

  it("answers 404 for a user that does not exist", async () => {
    const response = await request("GET", "/user/nobody", await issue("reader"));
    expect(response.status).to.equal(404);
  });

  it("answers 403 to a scoped token on a method it lacks, from the cached policy", async () => {
    const token = await issue("writer", ["PUT /user"]);
    expect((await putUser(token, { id: "u-3", name: "W" })).status).to.equal(204);
    const invocations = api.authorizerInvocations();
    const response = await request("GET", "/user/u-3", token);
    expect(response.status).to.equal(403);
    // The wording varies between AWS vintages (reference §18): assert the stable prefix and the key.
    expect(((await response.json()) as { Message: string }).Message).to.match(
      /^User is not authorized to access this resource/,
    );
    expect(api.authorizerInvocations()).to.equal(invocations);
  });

  it("keeps accepting a revoked token until its cache entry ends, then answers 401", async () => {
    const token = await issue("revoked");
    expect((await request("GET", "/user/u-1", token)).status).to.equal(200);
    await revokeToken({ client: documentClient, tableName: tokenTable() }, { digest: digestToken(token) });
    expect((await request("GET", "/user/u-1", token)).status).to.equal(200);
    clock += (TTL_SECONDS + 1) * 1000;
    expect((await request("GET", "/user/u-1", token)).status).to.equal(401);
  });

  it("keeps accepting an expired token until its cache entry ends, then answers 401", async () => {
    const token = await issue("expiring");
    expect((await request("GET", "/user/u-1", token)).status).to.equal(200);
    // The record's expiry passes (as if time went by): the authorizer checks expiresAt itself.
    await documentClient.send(
      new UpdateCommand({
        TableName: tokenTable(),
        Key: { tokenDigest: digestToken(token) },
        UpdateExpression: "SET expiresAt = :past",
        ExpressionAttributeValues: { ":past": Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    expect((await request("GET", "/user/u-1", token)).status).to.equal(200);
    clock += (TTL_SECONDS + 1) * 1000;
    expect((await request("GET", "/user/u-1", token)).status).to.equal(401);
  });

  it("DELETE 204 removes the user (GET then 404), a second DELETE 404, a bad id 400", async () => {
    const token = await issue("remover");
    expect((await putUser(token, { id: "u-del", name: "Gone" })).status).to.equal(204);
    const deleted = await request("DELETE", "/user/u-del", token);
    expect(deleted.status).to.equal(204);
    expect(await deleted.text()).to.equal("");
    expect(deleted.headers.get("access-control-allow-origin")).to.equal("*");
    expect((await request("GET", "/user/u-del", token)).status).to.equal(404);
    const again = await request("DELETE", "/user/u-del", token);
    expect(again.status).to.equal(404);
    expect(await again.json()).to.deep.equal({ message: "Not found" });
    const bad = await request("DELETE", `/user/${"a".repeat(65)}`, token);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { message: string }).message).to.match(/^id must be/);
  });

  it("lets a token scoped to DELETE /user/{id} delete but not read, and a GET-only token not delete", async () => {
    const writer = await issue("seeder", ["PUT /user"]);
    expect((await putUser(writer, { id: "u-scoped", name: "S" })).status).to.equal(204);
    const deleter = await issue("deleter", ["DELETE /user/{id}"]);
    expect((await request("GET", "/user/u-scoped", deleter)).status).to.equal(403);
    const reader = await issue("reader-only", ["GET /user/*"]);
    expect((await request("DELETE", "/user/u-scoped", reader)).status).to.equal(403);
    expect((await request("DELETE", "/user/u-scoped", deleter)).status).to.equal(204);
  });

  it("lists DELETE in the /user/{id} preflight", async () => {
    const response = await request("OPTIONS", "/user/u-1", undefined, undefined, {
      Origin: "http://localhost:5173",
      "Access-Control-Request-Method": "DELETE",
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get("access-control-allow-methods")).to.equal("DELETE,GET,OPTIONS");
  });

  it("answers a CORS preflight without a token", async () => {
    const response = await request("OPTIONS", "/user", undefined, undefined, {
      Origin: "http://localhost:5173",
      "Access-Control-Request-Method": "PUT",
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get("access-control-allow-origin")).to.equal("*");
    expect(response.headers.get("access-control-allow-methods")).to.equal("OPTIONS,PUT");
    expect(response.headers.get("access-control-allow-headers")).to.equal("Authorization,Content-Type");
  });

  it("answers 403 Missing Authentication Token for a route the template does not have", async () => {
    // A route no one would add, so this test holds whatever endpoints the template gains.
    const response = await request("PATCH", "/nonexistent-route", await issue("patcher"));
    expect(response.status).to.equal(403);
    expect(await response.json()).to.deep.equal({ message: "Missing Authentication Token" });
  });

  it("keeps tokens and users across a restart on the same data directory", async () => {
    const token = await issue("persistent");
    expect((await putUser(token, { id: "kept", name: "Kept" })).status).to.equal(204);
    await stop();
    await start();
    const response = await request("GET", "/user/kept", token);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.include({ id: "kept", createdBy: "persistent" });
  });
});

describe("local/index: start-up failures say what to fix", function () {
  this.timeout(180_000);
  let dir: string;
  before(() => ensurePackagedFunctions());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "local-api-fail-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("expected startLocalApi to fail"),
      (error: unknown) => error as Error,
    );

  it("a missing build: run make package", async () => {
    const error = await failure(startLocalApi({ manifestPath: join(dir, "manifest.json") }));
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.contain("run `make package`");
  });

  it("a taken port: names PORT, and releases what it had started", async () => {
    const blocker = createServer();
    const port = await listen(blocker, "127.0.0.1", 0, { service: "blocker", envVariable: "X" });
    try {
      const error = await failure(startLocalApi({ port, dataDir: dir }));
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect(error.message).to.contain("PORT=<port>");
      // The DynamoDB it had started is stopped and its data directory unlocked.
      const api = await startLocalApi({ dataDir: dir });
      await api.stop();
    } finally {
      await closeServer(blocker);
    }
  });

  it("a template it cannot run: names the resource and property", async () => {
    const templatePath = join(dir, "python.yaml");
    writeFileSync(
      templatePath,
      "Resources:\n  Py:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12, Handler: app.handler, Code: {ZipFile: x}}\n",
    );
    const error = await failure(startLocalApi({ templatePath }));
    expect(error.message).to.contain("Resources.Py.Properties.Runtime");
  });
});
