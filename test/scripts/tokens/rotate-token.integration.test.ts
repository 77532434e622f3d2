import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { readAudit } from "../../../lib/tokens/token-audit.js";
import { issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { listTokens } from "../../../lib/tokens/token-reads.js";
import { rotateToken } from "../../../scripts/tokens/rotate-token.js";
import { tokenCliHarness } from "./support/token-cli-harness.js";
import { type TokenTables, useTokenTables } from "./support/token-tables.js";

const NOW = Date.UTC(2026, 0, 1);

describe("scripts/tokens/rotate-token (embedded DynamoDB)", () => {
  const tokens = useTokenTables("rotate");
  let store: TokenTables["store"];
  beforeEach(() => {
    ({ store } = tokens);
  });
  const items = async () =>
    (await tokens.client.send(new ScanCommand({ TableName: tokens.table }))).Items ?? [];

  it("carries scopes, context, description, agent id and lifetime over, and revokes the old tokens", async () => {
    const old = await issueToken(store, {
      principalId: "agent-7",
      agentId: "agent-7",
      scopes: ["GET /agent/*"],
      expiresInSeconds: 3600,
      context: { tier: "gold" },
      description: "ci",
      now: () => NOW,
    });
    const bob = await issueToken(store, { principalId: "bob", scopes: ["*"] });
    const later = NOW + 600_000;
    const rotated = await rotateToken(store, { principalId: "agent-7", now: () => later });
    expect(rotated.record).to.deep.include({
      principalId: "agent-7",
      agentId: "agent-7",
      scopes: ["GET /agent/*"],
      context: { tier: "gold" },
      description: "ci",
      expiresAt: later / 1000 + 3600,
    });
    expect(rotated.revoked).to.equal(true);
    expect(rotated.replaced.map((record) => record.tokenDigest)).to.deep.equal([old.record.tokenDigest]);
    expect((await items()).map((item) => item.tokenDigest)).to.have.members([
      rotated.record.tokenDigest,
      bob.record.tokenDigest,
    ]);
    const audit = await readAudit(tokens.client, tokens.auditTable, { principalId: "agent-7" });
    expect(audit.map((entry) => [entry.action, entry.digestPrefix, entry.related])).to.deep.include.members([
      ["rotate", digestPrefix(rotated.record.tokenDigest), [digestPrefix(old.record.tokenDigest)]],
      ["revoke", digestPrefix(old.record.tokenDigest), [digestPrefix(rotated.record.tokenDigest)]],
    ]);
  });

  it("keeps a token that never expired without expiry, unless --expires-in says otherwise", async () => {
    await issueToken(store, { principalId: "a", scopes: ["*"], expiresInSeconds: null });
    const kept = await rotateToken(store, { principalId: "a" });
    expect(kept.record.expiresAt).to.equal(undefined);
    const limited = await rotateToken(store, { principalId: "a", expiresInSeconds: 60, now: () => NOW });
    expect(limited.record.expiresAt).to.equal(NOW / 1000 + 60);
  });

  it("with a grace period keeps the old tokens until then (never later than they had)", async () => {
    const short = await issueToken(store, {
      principalId: "a",
      scopes: ["*"],
      expiresInSeconds: 60,
      now: () => NOW,
    });
    const long = await issueToken(store, {
      principalId: "a",
      scopes: ["*"],
      expiresInSeconds: 60,
      now: () => NOW,
    });
    await tokens.client.send(
      new PutCommand({
        TableName: tokens.table,
        Item: { ...long.record, expiresAt: NOW / 1000 + 100_000 },
      }),
    );
    const rotated = await rotateToken(store, {
      principalId: "a",
      graceSeconds: 3600,
      expiresInSeconds: 86_400,
      now: () => NOW,
    });
    expect(rotated.revoked).to.equal(false);
    const byDigest = Object.fromEntries((await items()).map((item) => [item.tokenDigest, item.expiresAt]));
    expect(byDigest[short.record.tokenDigest]).to.equal(NOW / 1000 + 60);
    expect(byDigest[long.record.tokenDigest]).to.equal(NOW / 1000 + 3600);
    expect(byDigest[rotated.record.tokenDigest]).to.equal(NOW / 1000 + 86_400);
    const actions = (await readAudit(tokens.client, tokens.auditTable)).map((entry) => entry.action);
    expect(actions.filter((action) => action === "grace")).to.have.length(2);
    const graced = (await items()).find((item) => item.tokenDigest === short.record.tokenDigest);
    expect(graced?.replacedBy).to.equal(rotated.record.tokenDigest.slice(0, 12));
    // Finishing the switch: the graced tokens' shortened lifetimes are not a disagreement.
    const finished = await rotateToken(store, { principalId: "a", now: () => NOW + 1000 });
    expect(finished.record.expiresAt).to.equal(Math.floor((NOW + 1000) / 1000) + 86_400);
    expect(finished.replaced).to.have.length(3);
  });

  it("refuses when the active tokens disagree, naming each difference, until flags settle it", async () => {
    await issueToken(store, { principalId: "a", scopes: ["GET /user/*"], description: "x", now: () => NOW });
    await issueToken(store, { principalId: "a", scopes: ["*"], description: "y", now: () => NOW + 1 });
    const error = (await rotateToken(store, { principalId: "a", now: () => NOW + 2 }).catch(
      (e: unknown) => e,
    )) as ApigwTokenAuthError;
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.equal(
      `principal a's active tokens disagree on scopes (["GET /user/*"] / ["*"]), description ("x" / "y")`,
    );
    expect(error.expected).to.equal("--scope, --description to say what the new token gets");
    expect(await listTokens(store)).to.have.length(2); // nothing issued, nothing revoked
    const rotated = await rotateToken(store, {
      principalId: "a",
      scopes: ["PUT /user"],
      description: "z",
      now: () => NOW + 2,
    });
    expect(rotated.record.scopes).to.deep.equal(["PUT /user"]);
    expect(rotated.replaced).to.have.length(2);
  });

  it("refuses a principal without active tokens: that is issue, not rotate", async () => {
    await issueToken(store, { principalId: "a", scopes: ["*"], expiresInSeconds: 1, now: () => NOW });
    for (const principalId of ["nobody", "a"]) {
      const error = await rotateToken(store, { principalId }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
    }
    expect(await listTokens(store)).to.have.length(1);
  });

  it("token rotate prints only the new token on stdout, flushes, and says what it revoked on stderr", async () => {
    const harness = tokenCliHarness(tokens);
    const old = await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] });
    const { code, stdout, stderr } = await harness.cli(["rotate", "--stack", "demo", "--principal", "alice"]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
    expect(stderr).to.include(`revoked ${digestPrefix(old.record.tokenDigest)}; test cache flushed`);
    expect(harness.flushes).to.equal(1);
    expect(harness.targets).to.deep.equal([{ stack: "demo" }]);
    const [left] = await listTokens(store);
    expect(left?.digestPrefix).to.equal(digestPrefix(digestToken(stdout.trim())));
  });

  it("token rotate --grace does not flush (the old tokens still work) and says until when", async () => {
    const harness = tokenCliHarness(tokens, () => NOW);
    await issueToken(store, { principalId: "alice", scopes: ["PUT /user"], now: () => NOW });
    const { code, stderr } = await harness.cli([
      "rotate",
      "--local",
      "--principal",
      "alice",
      "--grace",
      "1h",
    ]);
    expect(code).to.equal(0);
    expect(stderr).to.include("valid until 2026-01-01T01:00:00.000Z (grace)");
    expect(harness.flushes).to.equal(0);
  });

  it("token rotate --json prints one object with the token, what it replaced and the flush", async () => {
    const harness = tokenCliHarness(tokens);
    const old = await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] });
    const { stdout } = await harness.cli([
      "rotate",
      "--local",
      "--principal",
      "alice",
      "--json",
      "--no-flush",
    ]);
    const printed = JSON.parse(stdout);
    expect(printed).to.deep.include({
      replaced: [digestPrefix(old.record.tokenDigest)],
      revoked: true,
      flushed: null,
    });
    expect(harness.flushes).to.equal(0);
  });
});
