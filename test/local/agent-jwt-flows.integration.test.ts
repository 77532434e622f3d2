/**
 * Issue 6 end to end on the local run, over HTTP: the agents' REQUEST authorizer (two headers, token
 * bound to its agent, one cached policy for both agent methods) and the JWT authorizer with GET /me
 * (tokens from the local test issuer). The functions are bundled from the current sources into a
 * temporary directory, so the test never depends on a stale `make package`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
import { bundleFunction } from "../../lib/build/bundle.js";
import { listFunctions, TEMPLATE_PATH } from "../../lib/build/functions.js";
import { packageFunctions } from "../../lib/build/package-functions.js";
import { loadTemplate } from "../../lib/cloudformation/load-template.js";
import { generateSigningKey } from "../../lib/jwt/signing-key.js";
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER, mintTestToken } from "../../lib/jwt/test-token.js";
import { issueToken } from "../../lib/tokens/token-issue-revoke.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "../../local/index.js";
import { agentTokenDefaults } from "../../scripts/tokens/agent-token.js";

describe("local run: agent REQUEST authorizer and JWT authorizer (issue 6)", function () {
  // Bundling six functions and starting workers takes a few seconds on a cold machine.
  this.timeout(180_000);

  let workDir: string;
  let api: LocalApi;
  let client: DynamoDBDocumentClient;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), "issue6-local-"));
    const outDir = relative(PROJECT_ROOT, workDir);
    const buildDir = join(outDir, "build");
    for (const fn of listFunctions(loadTemplate(join(PROJECT_ROOT, TEMPLATE_PATH)))) {
      await bundleFunction(fn, { root: PROJECT_ROOT, buildDir });
    }
    await packageFunctions({ root: PROJECT_ROOT, buildDir, distDir: outDir });
    api = await startLocalApi({
      port: 0,
      dataDir: null,
      manifestPath: join(workDir, "manifest.json"),
      parameterOverrides: { AuthorizerTtlSeconds: "300" },
    });
    client = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
  });

  after(async () => {
    client?.destroy();
    await api?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function issueAgentToken(agentId: string): Promise<string> {
    const { token } = await issueToken(
      { client, tableName: api.tables.TokenTable as string },
      agentTokenDefaults(agentId),
    );
    return token;
  }

  async function get(path: string, headers: Record<string, string>) {
    const response = await fetch(`${api.url}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  describe("agents", () => {
    it("serves tasks then metadata within the TTL with one authorizer call, agent id as principal", async () => {
      const token = await issueAgentToken("agent-1");
      const headers = { "X-AgentID": "agent-1", "X-Auth-Token": token };
      const before = api.authorizerInvocations();
      const tasks = await get("/agent/tasks", headers);
      const metadata = await get("/agent/metadata", headers);
      expect(tasks).to.deep.equal({ status: 200, body: { agentId: "agent-1", tasks: [] } });
      expect(metadata.status).to.equal(200);
      expect(metadata.body).to.include({ agentId: "agent-1", stage: api.stage });
      // The second call is served from the cached policy, which must cover both methods.
      expect(api.authorizerInvocations() - before).to.equal(1);
    });

    it("serves metadata then tasks as well, whatever the header case", async () => {
      const token = await issueAgentToken("agent-2");
      const headers = { "x-agentid": "agent-2", "x-auth-token": token };
      expect((await get("/agent/metadata", headers)).status).to.equal(200);
      expect((await get("/agent/tasks", headers)).status).to.equal(200);
    });

    it("refuses a token presented with another agent's id (401), even after it was used rightly", async () => {
      const token = await issueAgentToken("agent-3");
      expect((await get("/agent/tasks", { "X-AgentID": "agent-3", "X-Auth-Token": token })).status).to.equal(
        200,
      );
      const other = await get("/agent/tasks", { "X-AgentID": "agent-4", "X-Auth-Token": token });
      expect(other).to.deep.equal({ status: 401, body: { message: "Unauthorized" } });
    });

    it("refuses a request missing either header with 401 without calling the authorizer", async () => {
      const token = await issueAgentToken("agent-5");
      const before = api.authorizerInvocations();
      expect((await get("/agent/tasks", { "X-Auth-Token": token })).status).to.equal(401);
      expect((await get("/agent/tasks", { "X-AgentID": "agent-5" })).status).to.equal(401);
      expect(api.authorizerInvocations()).to.equal(before);
    });

    it("refuses a user token on the agent API (401): it is bound to no agent", async () => {
      const { token } = await issueToken(
        { client, tableName: api.tables.TokenTable as string },
        {
          principalId: "alice",
          scopes: ["*"],
        },
      );
      const response = await get("/agent/tasks", { "X-AgentID": "alice", "X-Auth-Token": token });
      expect(response.status).to.equal(401);
    });
  });

  describe("JWT", () => {
    it("answers GET /me with the subject and groups of a valid local test token", async () => {
      const jwt = api.jwtIssuer?.mint({ subject: "alice", groups: ["admin", "dev"] }) as string;
      const response = await get("/me", { Authorization: `Bearer ${jwt}` });
      expect(response).to.deep.equal({
        status: 200,
        body: { subject: "alice", username: "alice", groups: ["admin", "dev"] },
      });
    });

    it("refuses an expired token with 401", async () => {
      const jwt = api.jwtIssuer?.mint({ subject: "alice", expiresInSeconds: -60 }) as string;
      expect(await get("/me", { Authorization: `Bearer ${jwt}` })).to.deep.equal({
        status: 401,
        body: { message: "Unauthorized" },
      });
    });

    it("refuses a request without a token with 401, and a token that is no JWT with 401", async () => {
      expect((await get("/me", {})).status).to.equal(401);
      expect((await get("/me", { Authorization: "Bearer abc123" })).status).to.equal(401);
    });

    it("answers 500, never 200, when the issuer's JWKS cannot be fetched", async () => {
      // A second local API whose JWT authorizer trusts an issuer whose JWKS URL has nothing listening.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const deadPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const lines: string[] = [];
      const broken = await startLocalApi({
        port: 0,
        log: (line) => lines.push(line),
        dataDir: null,
        manifestPath: join(workDir, "manifest.json"),
        parameterOverrides: {
          JwtIssuer: LOCAL_JWT_ISSUER,
          JwtAudience: LOCAL_JWT_AUDIENCE,
          JwtJwksUri: `http://127.0.0.1:${deadPort}/.well-known/jwks.json`,
        },
      });
      try {
        const jwt = mintTestToken(generateSigningKey(), { subject: "alice" });
        const response = await fetch(`${broken.url}/me`, { headers: { Authorization: `Bearer ${jwt}` } });
        expect(response.status).to.equal(500);
        // The authorizer failed on the JWKS download, not on the token.
        expect(lines.some((line) => line.includes("cannot verify tokens"))).to.equal(true);
      } finally {
        await broken.stop();
      }
    });

    it("caches the verified token's policy for the TTL", async () => {
      const jwt = api.jwtIssuer?.mint({ subject: "carol" }) as string;
      const before = api.authorizerInvocations();
      expect((await get("/me", { Authorization: jwt })).status).to.equal(200);
      expect((await get("/me", { Authorization: jwt })).status).to.equal(200);
      expect(api.authorizerInvocations() - before).to.equal(1);
    });
  });
});
