import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestToken } from "../../../handlers/shared/token.js";
import { TOKEN_PRINCIPAL_INDEX } from "../../../handlers/shared/token-record.js";
import {
  hasTokens,
  issueToken,
  listTokens,
  revokeToken,
  type TokenStore,
} from "../../../lib/tokens/token-store.js";

const record = {
  tokenDigest: digestToken("abc"),
  principalId: "alice",
  scopes: ["PUT /user"],
  createdAt: "2026-01-01T00:00:00.000Z",
};

describe("lib/tokens/token-store (SDK calls)", () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  let ddb: AwsClientStub<DynamoDBDocumentClient>;
  before(() => {
    ddb = mockClient(client);
  });
  after(() => ddb.restore());
  beforeEach(() => ddb.reset());
  const store: TokenStore = {
    client,
    tableName: "tokens",
    audit: { tableName: "audit", actor: "arn:aws:iam::1:user/ada" },
  };

  it("issues with a conditional put and its audit record in one transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const { record: issued } = await issueToken(store, { principalId: "alice", scopes: ["PUT /user"] });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put).to.deep.include({ TableName: "audit" });
    expect(items[0]?.Put?.Item).to.deep.include({ action: "issue", actor: "arn:aws:iam::1:user/ada" });
    expect(items[1]?.Put).to.deep.include({
      TableName: "tokens",
      ConditionExpression: "attribute_not_exists(#key)",
      ExpressionAttributeNames: { "#key": "tokenDigest" },
      Item: issued,
    });
    expect(ddb.commandCalls(PutCommand)).to.have.length(0);
  });

  it("revokes by digest with one consistent GetItem and one conditional delete, no scan", async () => {
    ddb.on(GetCommand).resolves({ Item: record });
    ddb.on(TransactWriteCommand).resolves({});
    const summary = await revokeToken(store, { digest: record.tokenDigest });
    expect(summary.principalId).to.equal("alice");
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).to.deep.equal({
      TableName: "tokens",
      Key: { tokenDigest: record.tokenDigest },
      ConsistentRead: true,
    });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
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
    expect(ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("revokes a 64-character prefix as a whole digest, without a scan", async () => {
    ddb.on(GetCommand).resolves({ Item: record });
    ddb.on(TransactWriteCommand).resolves({});
    await revokeToken(store, { prefix: record.tokenDigest });
    expect(ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("audits a corrupt record's revoke with what could be read of it", async () => {
    ddb.on(GetCommand).resolves({ Item: { tokenDigest: record.tokenDigest } });
    ddb.on(TransactWriteCommand).resolves({});
    const summary = await revokeToken(store, { digest: record.tokenDigest });
    expect(summary.problem).to.be.a("string");
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put?.Item).to.deep.include({ principalId: "(invalid record)", scopes: [] });
  });

  it("lists a principal's tokens through the index, never a scan", async () => {
    ddb.on(QueryCommand).resolves({ Items: [record] });
    expect(
      (await listTokens(store, { principalId: "alice" })).map((token) => token.principalId),
    ).to.deep.equal(["alice"]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).to.deep.include({
      TableName: "tokens",
      IndexName: TOKEN_PRINCIPAL_INDEX,
      KeyConditionExpression: "principalId = :principal",
    });
    expect(ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("names the table (and its index) when a read fails", async () => {
    ddb.on(QueryCommand).rejects(Object.assign(new Error("no index"), { name: "ResourceNotFoundException" }));
    const missing = await listTokens(store, { principalId: "a" }).catch((e: unknown) => e as Error);
    expect(missing).to.be.instanceOf(ApigwTokenAuthError);
    expect((missing as Error).message).to.equal(
      `token table tokens (or its ${TOKEN_PRINCIPAL_INDEX} index) does not exist`,
    );
    ddb.on(QueryCommand).rejects(
      Object.assign(new Error("The table does not have the specified index: byPrincipal"), {
        name: "ValidationException",
      }),
    );
    const old = await listTokens(store, { principalId: "a" }).catch((e: unknown) => e as Error);
    expect((old as Error).message).to.contain(
      "a table made before the index (make deploy adds it; locally, delete DATA_DIR)",
    );
    ddb.on(ScanCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const throttled = await hasTokens(store).catch((e: unknown) => e as Error);
    expect((throttled as Error).message).to.equal("token table tokens: Rate exceeded");
  });
});
