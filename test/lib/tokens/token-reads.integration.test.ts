import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { hasTokens, listTokens, principalTokens } from "../../../lib/tokens/token-reads.js";
import { useTokenTables } from "../../scripts/tokens/support/token-tables.js";

const NOW = Date.UTC(2026, 0, 1);

describe("lib/tokens/token-reads (embedded DynamoDB)", () => {
  // Its fields are this test's: the fixture sets them before each test.
  const tokens = useTokenTables("tokens");

  describe("listTokens", () => {
    it("lists digest prefixes, principals, scopes, expiry and last use, oldest first, and never a token", async () => {
      const first = await issueToken(tokens.store, {
        principalId: "a",
        scopes: ["*"],
        expiresInSeconds: 10,
        now: () => NOW,
      });
      const second = await issueToken(tokens.store, {
        principalId: "b",
        scopes: ["GET /user/*"],
        now: () => NOW + 1,
      });
      await tokens.client.send(
        new PutCommand({ TableName: tokens.table, Item: { ...second.record, lastUsedAt: NOW / 1000 + 5 } }),
      );
      const listed = await listTokens(tokens.store, { now: () => NOW + 20_000 });
      expect(listed).to.deep.equal([
        {
          digestPrefix: digestPrefix(digestToken(first.token)),
          principalId: "a",
          scopes: ["*"],
          expiresAt: NOW / 1000 + 10,
          expired: true,
          createdAt: "2026-01-01T00:00:00.000Z",
        },
        {
          digestPrefix: digestPrefix(digestToken(second.token)),
          principalId: "b",
          scopes: ["GET /user/*"],
          expiresAt: Math.floor((NOW + 1) / 1000) + DEFAULT_TOKEN_LIFETIME_SECONDS,
          expired: false,
          createdAt: "2026-01-01T00:00:00.001Z",
          lastUsedAt: NOW / 1000 + 5,
        },
      ]);
      const text = JSON.stringify(listed);
      for (const { token } of [first, second]) {
        expect(text).to.not.contain(token);
        expect(text).to.not.contain(digestToken(token));
      }
    });

    it("lists one principal's tokens through the principalId index", async () => {
      await issueToken(tokens.store, { principalId: "a", scopes: ["*"] });
      const b = await issueToken(tokens.store, { principalId: "b", scopes: ["*"] });
      expect(
        (await listTokens(tokens.store, { principalId: "b" })).map((summary) => summary.digestPrefix),
      ).to.deep.equal([digestPrefix(b.record.tokenDigest)]);
      expect(await principalTokens(tokens.store, "b")).to.deep.equal([b.record]);
      expect(await listTokens(tokens.store, { principalId: "nobody" })).to.deep.equal([]);
    });

    it("lists a corrupt record with what is wrong, instead of failing the whole listing", async () => {
      await tokens.client.send(
        new PutCommand({ TableName: tokens.table, Item: { tokenDigest: "f".repeat(64), principalId: "x" } }),
      );
      const [listed] = await listTokens(tokens.store);
      expect(listed?.digestPrefix).to.equal("ffffffffffff");
      expect(listed?.problem).to.contain("scopes");
    });

    it("hasTokens says whether the table has any token", async () => {
      expect(await hasTokens(tokens.store)).to.equal(false);
      await issueToken(tokens.store, { principalId: "a", scopes: ["*"] });
      expect(await hasTokens(tokens.store)).to.equal(true);
    });
  });
});
