import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import type { TokenRecord } from "../../../handlers/shared/token-record.js";
import {
  explainToken,
  findTokenRecord,
  formatExplanation,
  malformedToken,
  methodArnFor,
} from "../../../lib/tokens/token-explain.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

const API = { partition: "aws", region: "eu-west-1", accountId: "123456789012", apiId: "abc", stage: "v1" };
const DIGEST = digestToken("abc123");
const NOW = 1_800_000_000;
const record: TokenRecord = {
  tokenDigest: DIGEST,
  principalId: "alice",
  scopes: ["GET /user/*"],
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("lib/tokens/token-explain", () => {
  describe("methodArnFor", () => {
    it("builds the method ARN API Gateway passes the authorizer", () => {
      expect(methodArnFor(API, "get /user/x")).to.equal(
        "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/x",
      );
    });

    for (const bad of ["/user/x", "FETCH /user", "* /user", "GET user"]) {
      it(`refuses ${JSON.stringify(bad)}, naming the expected form`, () => {
        expect(() => methodArnFor(API, bad))
          .to.throw(ApigwTokenAuthError, "not a method")
          .with.property("actual", JSON.stringify(bad));
      });
    }
  });

  describe("explainToken", () => {
    const arn = (method: string) => methodArnFor(API, method);

    it("allows a method the token's scopes grant, naming the statement", () => {
      const explanation = explainToken({ found: true, record }, arn("GET /user/7"), NOW);
      expect(explanation).to.deep.include({
        digestPrefix: digestPrefix(DIGEST),
        state: "valid",
        principalId: "alice",
        method: "GET /user/7",
        decision: "Allow",
        outcome: "allowed",
      });
      expect(explanation.statements?.some((statement) => statement.matched)).to.equal(true);
      expect(explanation.reason).to.match(/^allowed by Statement\[\d+\] \(scopes GET \/user\/\*\)$/);
    });

    it("answers 403 for a method outside the scopes, saying which scopes the token has", () => {
      const explanation = explainToken({ found: true, record }, arn("PUT /user"), NOW);
      expect(explanation).to.deep.include({ state: "valid", decision: "ImplicitDeny", outcome: 403 });
      expect(explanation.reason).to.contain("the token's scopes are GET /user/*");
    });

    it("answers 401 for an expired token, with when it expired", () => {
      const expired = explainToken(
        { found: true, record: { ...record, expiresAt: NOW - 1 } },
        arn("GET /user/7"),
        NOW,
      );
      expect(expired).to.deep.include({ state: "expired", outcome: 401, expiresAt: NOW - 1 });
      expect(expired.reason).to.contain(new Date((NOW - 1) * 1000).toISOString());
    });

    it("answers 401 for a token without a record and 500 for a corrupt record", () => {
      const prefix = digestPrefix(DIGEST);
      expect(explainToken({ found: false, digestPrefix: prefix }, arn("GET /user/7"), NOW)).to.deep.include({
        state: "unknown",
        outcome: 401,
      });
      const corrupt = explainToken(
        { found: false, digestPrefix: prefix, problem: "bad scopes" },
        arn("GET /me"),
        NOW,
      );
      expect(corrupt).to.deep.include({ state: "invalid-record", outcome: 500, method: "GET /me" });
      expect(corrupt.reason).to.contain("bad scopes");
    });

    it("answers 401 before the authorizer for a token that fails the identity validation expression", () => {
      expect(malformedToken("(stdin)", arn("GET /user/7"))).to.deep.include({
        state: "malformed",
        outcome: 401,
      });
    });
  });

  describe("formatExplanation", () => {
    it("prints the digest prefix, principal, scopes, each statement and the decision; never the token", () => {
      const text = formatExplanation(
        explainToken({ found: true, record }, methodArnFor(API, "PUT /user"), NOW),
        "the local API",
      );
      expect(text).to.contain(`token ${digestPrefix(DIGEST)} (principal alice) on PUT /user — the local API`);
      expect(text).to.contain("state:     valid (never expires)");
      expect(text).to.match(/statement: \[\d+\] Allow .* — does not match/);
      expect(text).to.contain("decision:  ImplicitDeny → 403");
      expect(text).to.not.contain("abc123");
    });
  });

  describe("findTokenRecord", () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const aws = useAwsMocks({ ddb: client });

    it("reads a record by its digest, strongly consistent", async () => {
      aws.ddb.on(GetCommand).resolves({ Item: record });
      expect(await findTokenRecord(client, "t", { digest: DIGEST })).to.deep.equal({ found: true, record });
      expect(aws.ddb.commandCalls(GetCommand)[0]?.args[0].input).to.deep.include({ ConsistentRead: true });
    });

    it("reports a digest without a record, and a corrupt record with what is wrong", async () => {
      aws.ddb.on(GetCommand).resolves({});
      expect(await findTokenRecord(client, "t", { digest: DIGEST })).to.deep.equal({
        found: false,
        digestPrefix: digestPrefix(DIGEST),
      });
      aws.ddb.on(GetCommand).resolves({ Item: { ...record, scopes: [] } });
      const corrupt = await findTokenRecord(client, "t", { digest: DIGEST });
      expect(corrupt).to.deep.include({
        found: false,
        problem: 'token record attribute "scopes" is invalid',
      });
    });

    it("finds exactly one record by digest prefix, and refuses none, several or a bad prefix", async () => {
      const other = { ...record, tokenDigest: `${DIGEST.slice(0, 12)}${"0".repeat(52)}` };
      aws.ddb.on(ScanCommand).resolves({ Items: [record, other] });
      expect(await findTokenRecord(client, "t", { prefix: DIGEST.slice(0, 20) })).to.deep.equal({
        found: true,
        record,
      });
      const several = await findTokenRecord(client, "t", { prefix: DIGEST.slice(0, 12) }).catch(
        (e: unknown) => e,
      );
      expect(several).to.have.property(
        "message",
        `2 tokens match ${DIGEST.slice(0, 12)}: give more of the digest`,
      );
      const none = await findTokenRecord(client, "t", { prefix: "ffffff" }).catch((e: unknown) => e);
      expect(none).to.have.property("actual", "0 matches");
      const bad = await findTokenRecord(client, "t", { prefix: "XYZ" }).catch((e: unknown) => e);
      expect(bad).to.have.property("message", "invalid digest prefix");
    });
  });
});
