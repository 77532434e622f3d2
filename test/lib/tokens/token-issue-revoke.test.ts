import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { issueToken, revokeToken } from "../../../lib/tokens/token-issue-revoke.js";
import { ALICE_RECORD as record, useMockedTokenStore } from "./support/mocked-token-store.js";

describe("lib/tokens/token-issue-revoke (SDK calls)", () => {
  const { aws, store } = useMockedTokenStore();

  it("issues with a conditional put and its audit record in one transaction", async () => {
    aws.ddb.on(TransactWriteCommand).resolves({});
    const { record: issued } = await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] });
    const items = aws.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put).to.deep.include({ TableName: "audit" });
    expect(items[0]?.Put?.Item).to.deep.include({ action: "issue", actor: "arn:aws:iam::1:user/ada" });
    expect(items[1]?.Put).to.deep.include({
      TableName: "tokens",
      ConditionExpression: "attribute_not_exists(#key)",
      ExpressionAttributeNames: { "#key": "tokenDigest" },
      Item: issued,
    });
    expect(aws.ddb.commandCalls(PutCommand)).to.have.length(0);
  });

  it("revokes by digest with one consistent GetItem and one conditional delete, no scan", async () => {
    aws.ddb.on(GetCommand).resolves({ Item: record });
    aws.ddb.on(TransactWriteCommand).resolves({});
    const summary = await revokeToken(store, { digest: record.tokenDigest });
    expect(summary.principalId).to.equal("alice");
    expect(aws.ddb.commandCalls(GetCommand)[0]?.args[0].input).to.deep.equal({
      TableName: "tokens",
      Key: { tokenDigest: record.tokenDigest },
      ConsistentRead: true,
    });
    const items = aws.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[1]?.Delete).to.deep.include({
      TableName: "tokens",
      Key: { tokenDigest: record.tokenDigest },
      ConditionExpression: "attribute_exists(#key)",
    });
    expect(items[0]?.Put?.Item).to.deep.include({
      action: "revoke",
      principalId: "alice",
      digestPrefix: "ba7816bf8f01",
    });
    expect(aws.ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("revokes a 64-character prefix as a whole digest, without a scan", async () => {
    aws.ddb.on(GetCommand).resolves({ Item: record });
    aws.ddb.on(TransactWriteCommand).resolves({});
    await revokeToken(store, { prefix: record.tokenDigest });
    expect(aws.ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("audits a corrupt record's revoke with what could be read of it", async () => {
    aws.ddb.on(GetCommand).resolves({ Item: { tokenDigest: record.tokenDigest } });
    aws.ddb.on(TransactWriteCommand).resolves({});
    const summary = await revokeToken(store, { digest: record.tokenDigest });
    expect(summary.problem).to.be.a("string");
    const items = aws.ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item).to.deep.include({ principalId: "(invalid record)", scopes: [] });
  });
});
