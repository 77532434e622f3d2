import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestToken } from "../../../handlers/shared/token.js";
import { auditRecordFor, localActor, readAudit } from "../../../lib/tokens/token-audit.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

const NOW = Date.UTC(2026, 0, 2);
const record = {
  tokenDigest: digestToken("abc"),
  principalId: "agent-7",
  scopes: ["GET /agent/*"],
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: 1_800_000_000,
  agentId: "agent-7",
};

describe("lib/tokens/token-audit", () => {
  it("records the change with the digest prefix (never the digest or token), the actor and the reason", () => {
    const entry = auditRecordFor(
      "rotate",
      record,
      { tableName: "a", actor: "arn:aws:iam::1:user/ada", reason: "yearly" },
      NOW,
      ["0123456789ab"],
    );
    expect(entry).to.deep.equal({
      principalId: "agent-7",
      auditId: "2026-01-02T00:00:00.000Z#ba7816bf8f01#rotate",
      at: "2026-01-02T00:00:00.000Z",
      action: "rotate",
      digestPrefix: "ba7816bf8f01",
      scopes: ["GET /agent/*"],
      expiresAt: 1_800_000_000,
      actor: "arn:aws:iam::1:user/ada",
      reason: "yearly",
      agentId: "agent-7",
      related: ["0123456789ab"],
    });
    expect(JSON.stringify(entry)).to.not.contain(record.tokenDigest);
    const plain = auditRecordFor(
      "issue",
      { ...record, expiresAt: undefined, agentId: undefined },
      { tableName: "a", actor: "x" },
      NOW,
      [],
    );
    expect(plain).to.not.have.any.keys("expiresAt", "reason", "agentId", "related");
  });

  it("names the local actor after the OS user", () => {
    expect(localActor()).to.match(/^local:\S+$/);
  });

  describe("readAudit", () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const aws = useAwsMocks({ ddb: client });
    const entry = (at: string) => ({
      ...auditRecordFor("issue", record, { tableName: "a", actor: "x" }, Date.parse(at)),
    });

    it("queries one principal from a time on (no scan), oldest first", async () => {
      aws.ddb
        .on(QueryCommand)
        .resolves({ Items: [entry("2026-01-03T00:00:00.000Z"), entry("2026-01-02T00:00:00.000Z")] });
      const records = await readAudit(client, "audit", { principalId: "agent-7", sinceMs: NOW });
      expect(records.map((r) => r.at)).to.deep.equal([
        "2026-01-02T00:00:00.000Z",
        "2026-01-03T00:00:00.000Z",
      ]);
      expect(aws.ddb.commandCalls(QueryCommand)[0]?.args[0].input).to.deep.include({
        TableName: "audit",
        KeyConditionExpression: "principalId = :principal AND auditId >= :since",
        ExpressionAttributeValues: { ":principal": "agent-7", ":since": "2026-01-02T00:00:00.000Z" },
      });
      expect(aws.ddb.commandCalls(ScanCommand)).to.have.length(0);
    });

    it("scans every principal's records, filtered by time", async () => {
      aws.ddb.on(ScanCommand).resolves({ Items: [] });
      expect(await readAudit(client, "audit")).to.deep.equal([]);
      expect(aws.ddb.commandCalls(ScanCommand)[0]?.args[0].input).to.deep.include({
        FilterExpression: "#at >= :since",
        ExpressionAttributeValues: { ":since": "1970-01-01T00:00:00.000Z" },
      });
    });

    it("names the audit table when it cannot be read", async () => {
      aws.ddb
        .on(ScanCommand)
        .rejects(Object.assign(new Error("no such table"), { name: "ResourceNotFoundException" }));
      const error = await readAudit(client, "audit").catch((e: unknown) => e as Error);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message).to.equal("token-audit table audit: no such table");
    });
  });
});
