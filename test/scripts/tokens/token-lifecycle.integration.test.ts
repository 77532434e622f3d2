/**
 * The token lifecycle against the local run, over HTTP, as an operator meets it: the CLI's real
 * `--local` target (the state file of a running API, its DynamoDB and its admin server), requests to
 * the local API Gateway with its authorizer cache on (TTL 300 s), and what each command changes for
 * the next request: revoke and rotate take effect at once (the cache is flushed), --grace keeps the
 * old token working, --no-flush leaves a cached token working, the authorizer records last use, and
 * every change is in the audit table.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { writeLocalState } from "../../../lib/local-state.js";
import { type AdminServer, startAdminServer } from "../../../local/admin/admin-server.js";
import { type LocalApi, startLocalApi } from "../../../local/index.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";
import { resolveTokenTarget } from "../../../scripts/tokens/token-target.js";
import { ensurePackagedFunctions } from "../../local/support/packaged-functions.js";

describe("token lifecycle on the local run (HTTP)", function () {
  this.timeout(180_000);
  let api: LocalApi;
  let admin: AdminServer;
  let dir: string;
  let localStateFile: string;

  before(async () => {
    await ensurePackagedFunctions();
    api = await startLocalApi({ port: 0, dynamodbPort: 0, dataDir: null });
    admin = await startAdminServer({
      port: 0,
      sources: {
        requests: () => [],
        authorizerCache: () => api.authorizerCacheEntries(),
        flushAuthorizerCache: () => api.authorizerCache.flush(Date.now()),
      },
    });
    dir = mkdtempSync(join(tmpdir(), "token-lifecycle-"));
    localStateFile = join(dir, "state.json");
    writeLocalState(
      {
        pid: process.pid,
        url: api.url,
        dynamodb: api.dynamodb,
        region: api.region,
        tables: api.tables,
        outputs: api.outputs,
        startedAt: new Date().toISOString(),
        admin: { url: admin.url, secret: admin.secret },
      },
      localStateFile,
    );
  });
  after(async () => {
    await admin?.stop();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The token CLI with the real --local target of this run. */
  async function token(argv: string[], stdin = "") {
    let stdout = "";
    let stderr = "";
    const code = await runTokenCli(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      readStdin: async () => stdin,
      resolveTarget: (flags) => resolveTokenTarget(flags, { localStateFile }),
    });
    // dynalite has no transactions: the store says so once per command on stderr.
    stderr = stderr.replace(/^warning: this DynamoDB has no transactions.*\n/m, "");
    return { code, stdout, stderr };
  }
  const issue = async (principal: string, ...more: string[]) => {
    const { code, stdout, stderr } = await token([
      "issue",
      "--local",
      "--principal",
      principal,
      "--scope",
      "GET /user/{id}",
      ...more,
    ]);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
    return stdout.trim();
  };
  const get = async (authorization: string) =>
    (await fetch(`${api.url}/user/nobody`, { headers: { Authorization: authorization } })).status;

  it("revoke --token-stdin: a token cached a moment ago gets 401 on the very next request, well within 1 s", async () => {
    const leaked = await issue("leaky");
    expect(await get(leaked)).to.equal(404); // authorized (no such user); the policy is now cached
    const before = api.authorizerInvocations();
    expect(await get(leaked)).to.equal(404);
    expect(api.authorizerInvocations()).to.equal(before); // served from the cache
    const revoked = await token(["revoke", "--local", "--token-stdin", "--reason", "leaked"], `${leaked}\n`);
    const returned = performance.now();
    expect(revoked.code).to.equal(0);
    expect(revoked.stdout).to.contain(`revoked ${digestPrefix(digestToken(leaked))} (leaky)`);
    expect(revoked.stdout).to.contain("authorizer cache of the local API");
    expect(await get(leaked)).to.equal(401);
    const revokeTo401Ms = performance.now() - returned;
    console.log(`      revoke returned → 401: ${revokeTo401Ms.toFixed(1)} ms`);
    expect(revokeTo401Ms).to.be.below(1000);
  });

  it("revoke --no-flush leaves the cached token working until the authorizer TTL (why the flush exists)", async () => {
    const cached = await issue("cached");
    expect(await get(cached)).to.equal(404);
    const { code, stdout } = await token([
      "revoke",
      "--local",
      "--no-flush",
      digestPrefix(digestToken(cached)),
    ]);
    expect(code).to.equal(0);
    expect(stdout).to.contain("not flushed (--no-flush)");
    expect(await get(cached)).to.equal(404); // still the cached Allow
    expect((await token(["flush", "--local"])).code).to.equal(0);
    expect(await get(cached)).to.equal(401);
  });

  it("rotate: the new token works at once, the old one gets 401 at once; with --grace the old one keeps working", async () => {
    const old = await issue("rotor", "--expires-in", "2h", "--description", "ci");
    expect(await get(old)).to.equal(404);
    const graced = await token(["rotate", "--local", "--principal", "rotor", "--grace", "10m"]);
    expect(graced.code).to.equal(0);
    const second = graced.stdout.trim();
    expect(graced.stderr).to.contain("(grace)");
    expect(await get(old)).to.equal(404);
    expect(await get(second)).to.equal(404);

    const rotated = await token(["rotate", "--local", "--principal", "rotor", "--expires-in", "1h"]);
    expect(rotated.code).to.equal(0);
    const third = rotated.stdout.trim();
    expect(rotated.stderr).to.contain("authorizer cache of the local API").and.contain("flushed");
    expect(await get(old)).to.equal(401);
    expect(await get(second)).to.equal(401);
    expect(await get(third)).to.equal(404);
    const [listed] = JSON.parse((await token(["list", "--local", "--principal", "rotor", "--json"])).stdout);
    expect(listed).to.deep.include({ description: "ci", scopes: ["GET /user/{id}"] });
  });

  it("records the last use on a cache miss, and list shows it", async () => {
    const used = await issue("user-of-tokens");
    const unused = await issue("idle");
    expect(await get(used)).to.equal(404);
    const listed = JSON.parse((await token(["list", "--local", "--json"])).stdout) as {
      principalId: string;
      lastUsedAt?: number;
    }[];
    const usedAt = listed.find((entry) => entry.principalId === "user-of-tokens")?.lastUsedAt;
    expect(usedAt).to.be.a("number");
    expect(Math.abs((usedAt as number) - Date.now() / 1000)).to.be.below(60);
    expect(listed.find((entry) => entry.principalId === "idle")).to.not.have.property("lastUsedAt");
    expect((await token(["list", "--local"])).stdout).to.match(/user-of-tokens .*\d{4}-\d\d-\d\dT/);
    expect(unused).to.not.equal(used);
  });

  it("audits every change with the local actor, and never a token", async () => {
    const first = await issue("audited", "--reason", "onboarding");
    await token(["rotate", "--local", "--principal", "audited"]);
    const { stdout } = await token(["audit", "--local", "--principal", "audited", "--since", "1h", "--json"]);
    const records = JSON.parse(stdout) as { action: string; actor: string; reason?: string }[];
    expect(records.map((record) => record.action)).to.have.members(["issue", "rotate", "revoke"]);
    expect(records.every((record) => /^local:\S+$/.test(record.actor))).to.equal(true);
    expect(records.find((record) => record.action === "issue")?.reason).to.equal("onboarding");
    expect(stdout).to.not.contain(first);
    const table = (await token(["audit", "--local"])).stdout;
    expect(table).to.match(/rotate \(replaces [0-9a-f]{12}\)/);
  });
});
