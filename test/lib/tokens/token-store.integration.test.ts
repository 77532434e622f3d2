import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { issueToken, listTokens, revokeToken } from "../../../lib/tokens/token-store.js";
import { type TokenTables, useTokenTables } from "../../scripts/tokens/support/token-tables.js";

const NOW = Date.UTC(2026, 0, 1);

describe("lib/tokens/token-store", () => {
  const tokens = useTokenTables("tokens");
  let base: TokenTables["base"];
  let client: TokenTables["client"];
  let table: string;
  beforeEach(() => {
    ({ base, client, table } = tokens);
  });

  const rawItems = async () => (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];

  describe("issueToken", () => {
    it("stores the token's digest, never the token, with every method by default", async () => {
      const { token, record } = await issueToken(client, table, { principalId: "alice", now: () => NOW });
      const items = await rawItems();
      expect(items).to.deep.equal([
        {
          tokenDigest: digestToken(token),
          principalId: "alice",
          scopes: ["*"],
          createdAt: "2026-01-01T00:00:00.000Z",
        },
      ]);
      expect(JSON.stringify(items)).to.not.contain(token);
      expect(record.tokenDigest).to.equal(digestToken(token));
      expect(token).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it("stores canonical scopes, expiry, context and description", async () => {
      const { record } = await issueToken(client, table, {
        principalId: "bob",
        scopes: ["put /user", "GET /user/{id}", "PUT /user"],
        expiresInSeconds: 60,
        context: { tier: "gold" },
        description: "ci",
        now: () => NOW,
      });
      expect(record).to.deep.include({
        scopes: ["PUT /user", "GET /user/*"],
        expiresAt: NOW / 1000 + 60,
        context: { tier: "gold" },
        description: "ci",
      });
      expect(await rawItems()).to.deep.equal([record]);
    });

    const lifetime = "a token's lifetime must be a positive whole number of seconds";
    for (const [what, options, message] of [
      ["a bad scope", { principalId: "a", scopes: ["FETCH /user"] }, "invalid scope"],
      [
        "a reserved context key",
        { principalId: "a", context: { principalId: "x" } },
        "invalid authorizer context key",
      ],
      ["a principal with spaces", { principalId: "a b" }, 'token record attribute "principalId" is invalid'],
      ["a zero lifetime", { principalId: "a", expiresInSeconds: 0 }, lifetime],
      ["a fractional lifetime", { principalId: "a", expiresInSeconds: 1.5 }, lifetime],
    ] as const) {
      it(`refuses ${what} before writing anything`, async () => {
        const error = await issueToken(client, table, options as never).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as Error).message).to.contain(message);
        expect(await rawItems()).to.deep.equal([]);
      });
    }

    it("never overwrites an existing record (conditional put)", async () => {
      const mock = mockClient(DynamoDBDocumentClient);
      mock.on(PutCommand).resolves({});
      try {
        await issueToken(DynamoDBDocumentClient.from(base), "t", { principalId: "a" });
        const [call] = mock.commandCalls(PutCommand);
        expect(call?.args[0].input).to.deep.include({
          TableName: "t",
          ConditionExpression: "attribute_not_exists(#key)",
          ExpressionAttributeNames: { "#key": "tokenDigest" },
        });
      } finally {
        mock.restore();
      }
    });

    it("names a missing table", async () => {
      const error = await issueToken(client, "nope", { principalId: "a" }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message).to.equal("token table nope does not exist");
    });
  });

  describe("listTokens", () => {
    it("lists digest prefixes, principals, scopes and expiry, oldest first, and never a token", async () => {
      const first = await issueToken(client, table, {
        principalId: "a",
        expiresInSeconds: 10,
        now: () => NOW,
      });
      const second = await issueToken(client, table, {
        principalId: "b",
        scopes: ["GET /user/*"],
        now: () => NOW + 1,
      });
      const listed = await listTokens(client, table, () => NOW + 20_000);
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
          expired: false,
          createdAt: "2026-01-01T00:00:00.001Z",
        },
      ]);
      const text = JSON.stringify(listed);
      for (const { token } of [first, second]) {
        expect(text).to.not.contain(token);
        expect(text).to.not.contain(digestToken(token));
      }
    });

    it("lists a corrupt record with what is wrong, instead of failing the whole listing", async () => {
      await client.send(
        new PutCommand({ TableName: table, Item: { tokenDigest: "f".repeat(64), principalId: "x" } }),
      );
      const [listed] = await listTokens(client, table);
      expect(listed?.digestPrefix).to.equal("ffffffffffff");
      expect(listed?.problem).to.contain("scopes");
    });
  });

  describe("revokeToken", () => {
    it("deletes the one token with the digest prefix", async () => {
      const kept = await issueToken(client, table, { principalId: "keep" });
      const gone = await issueToken(client, table, { principalId: "gone" });
      const revoked = await revokeToken(client, table, digestPrefix(gone.record.tokenDigest));
      expect(revoked.principalId).to.equal("gone");
      expect((await rawItems()).map((item) => item.tokenDigest)).to.deep.equal([kept.record.tokenDigest]);
    });

    it("refuses a prefix that matches no token or several", async () => {
      for (const digest of ["abcdef0", "abcdef1"]) {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { tokenDigest: digest.padEnd(64, "0"), principalId: "x", scopes: ["*"], createdAt: "2026" },
          }),
        );
      }
      const ambiguous = await revokeToken(client, table, "abcdef").catch((caught: unknown) => caught);
      expect((ambiguous as Error).message).to.equal("2 tokens match abcdef");
      const none = await revokeToken(client, table, "012345").catch((caught: unknown) => caught);
      expect(none).to.be.instanceOf(ApigwTokenAuthError);
      expect((none as Error).message).to.equal("no token has a digest starting with 012345");
      expect(await rawItems()).to.have.length(2);
    });

    for (const prefix of ["abc", "ABCDEF12", "not-hex!"]) {
      it(`refuses the prefix ${JSON.stringify(prefix)}`, async () => {
        const error = await revokeToken(client, table, prefix).catch((caught: unknown) => caught);
        expect(error).to.have.property("message", "invalid digest prefix");
        expect(error).to.have.property("actual", JSON.stringify(prefix));
      });
    }
  });
});
