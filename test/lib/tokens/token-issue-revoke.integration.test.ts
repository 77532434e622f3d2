import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { readAudit } from "../../../lib/tokens/token-audit.js";
import {
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  issueToken,
  revokeToken,
} from "../../../lib/tokens/token-issue-revoke.js";
import { useTokenTables } from "../../scripts/tokens/support/token-tables.js";

const NOW = Date.UTC(2026, 0, 1);

describe("lib/tokens/token-issue-revoke (embedded DynamoDB)", () => {
  // Its fields are this test's: the fixture sets them before each test.
  const tokens = useTokenTables("tokens");

  const rawItems = async () =>
    (await tokens.client.send(new ScanCommand({ TableName: tokens.table }))).Items ?? [];
  const audit = () => readAudit(tokens.client, tokens.auditTable);
  describe("issueToken", () => {
    it("stores the token's digest, never the token, expiring in 90 days by default, with an audit record", async () => {
      const { token, record } = await issueToken(tokens.store, {
        principalId: "alice",
        scopes: ["*"],
        now: () => NOW,
      });
      const items = await rawItems();
      expect(items).to.deep.equal([
        {
          tokenDigest: digestToken(token),
          principalId: "alice",
          scopes: ["*"],
          createdAt: "2026-01-01T00:00:00.000Z",
          expiresAt: NOW / 1000 + DEFAULT_TOKEN_LIFETIME_SECONDS,
        },
      ]);
      expect(JSON.stringify(items)).to.not.contain(token);
      expect(record.tokenDigest).to.equal(digestToken(token));
      const [entry] = await audit();
      expect(entry).to.deep.include({
        action: "issue",
        principalId: "alice",
        digestPrefix: digestPrefix(digestToken(token)),
        actor: "local:test",
        expiresAt: NOW / 1000 + DEFAULT_TOKEN_LIFETIME_SECONDS,
      });
      expect(JSON.stringify(await audit())).to.not.contain(token);
    });

    it("stores canonical scopes, expiry, context and description; null lifetime means never", async () => {
      const { record } = await issueToken(tokens.store, {
        principalId: "bob",
        scopes: ["put /user", "GET /user/*", "PUT /user"],
        expiresInSeconds: null,
        context: { tier: "gold" },
        description: "ci",
        now: () => NOW,
      });
      expect(record).to.deep.include({ scopes: ["PUT /user", "GET /user/*"], context: { tier: "gold" } });
      expect(record.expiresAt).to.equal(undefined);
      expect(await rawItems()).to.deep.equal([record]);
    });

    for (const [what, options, errorClass] of [
      ["no scope", { principalId: "a", scopes: [] }, ApigwTokenAuthError],
      ["a bad scope", { principalId: "a", scopes: ["FETCH /user"] }, ApigwTokenAuthError],
      [
        "a reserved context key",
        { principalId: "a", scopes: ["*"], context: { principalId: "x" } },
        ApigwTokenAuthError,
      ],
      ["a principal with spaces", { principalId: "a b", scopes: ["*"] }, ApigwTokenAuthError],
      ["a zero lifetime", { principalId: "a", scopes: ["*"], expiresInSeconds: 0 }, ApigwTokenAuthError],
      [
        "a fractional lifetime",
        { principalId: "a", scopes: ["*"], expiresInSeconds: 1.5 },
        ApigwTokenAuthError,
      ],
    ] as const) {
      it(`refuses ${what} before writing anything`, async () => {
        const error = await issueToken(tokens.store, options as never).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(errorClass);
        expect(await rawItems()).to.deep.equal([]);
        expect(await audit()).to.deep.equal([]);
      });
    }

    it("names a missing table", async () => {
      const error = await issueToken(
        { ...tokens.store, tableName: "nope" },
        { principalId: "a", scopes: ["*"] },
      ).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message).to.contain("nope");
    });
  });

  describe("revokeToken", () => {
    it("deletes the token by its whole digest (no scan) and audits it", async () => {
      const kept = await issueToken(tokens.store, { principalId: "keep", scopes: ["*"] });
      const gone = await issueToken(tokens.store, { principalId: "gone", scopes: ["PUT /user"] });
      const revoked = await revokeToken(
        { ...tokens.store, audit: { tableName: tokens.auditTable, actor: "local:test", reason: "leaked" } },
        {
          digest: gone.record.tokenDigest,
        },
      );
      expect(revoked.principalId).to.equal("gone");
      expect((await rawItems()).map((item) => item.tokenDigest)).to.deep.equal([kept.record.tokenDigest]);
      const entries = (await audit()).filter((entry) => entry.action === "revoke");
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({
        principalId: "gone",
        digestPrefix: digestPrefix(gone.record.tokenDigest),
        scopes: ["PUT /user"],
        reason: "leaked",
      });
    });

    it("deletes the one token with the digest prefix", async () => {
      const gone = await issueToken(tokens.store, { principalId: "gone", scopes: ["*"] });
      await revokeToken(tokens.store, { prefix: digestPrefix(gone.record.tokenDigest) });
      expect(await rawItems()).to.deep.equal([]);
    });

    it("refuses a prefix that matches no token or several, and an unknown digest", async () => {
      for (const digest of ["abcdef0", "abcdef1"]) {
        await tokens.client.send(
          new PutCommand({
            TableName: tokens.table,
            Item: { tokenDigest: digest.padEnd(64, "0"), principalId: "x", scopes: ["*"], createdAt: "2026" },
          }),
        );
      }
      const ambiguous = await revokeToken(tokens.store, { prefix: "abcdef" }).catch(
        (caught: unknown) => caught,
      );
      expect((ambiguous as Error).message).to.equal("2 tokens match abcdef");
      const none = await revokeToken(tokens.store, { prefix: "012345" }).catch((caught: unknown) => caught);
      expect(none).to.be.instanceOf(ApigwTokenAuthError);
      expect((none as Error).message).to.equal("no token has a digest starting with 012345");
      const unknown = await revokeToken(tokens.store, { digest: "0".repeat(64) }).catch(
        (caught: unknown) => caught,
      );
      expect(unknown).to.be.instanceOf(ApigwTokenAuthError);
      expect(await rawItems()).to.have.length(2);
      expect(await audit()).to.deep.equal([]);
    });

    for (const prefix of ["abc", "ABCDEF12", "not-hex!"]) {
      it(`refuses the prefix ${JSON.stringify(prefix)}`, async () => {
        const error = await revokeToken(tokens.store, { prefix }).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
      });
    }
  });
});
