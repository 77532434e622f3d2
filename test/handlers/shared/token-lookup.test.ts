import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ApigwTokenAuthError, UnauthorizedError } from "../../../handlers/shared/errors.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { createTokenLookup } from "../../../handlers/shared/token-lookup.js";

const TABLE = "stack-auth-token";
const TOKEN = "L00kupT0kenValue7";
const NOW_MS = 1_800_000_000_000;
const record = {
  tokenDigest: digestToken(TOKEN),
  principalId: "alice",
  scopes: ["GET /user/*"],
  createdAt: "2026-11-20T00:00:00.000Z",
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("handlers/shared/token-lookup", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  let ddb: AwsClientStub<DynamoDBDocumentClient>;
  before(() => {
    ddb = mockClient(documentClient);
  });
  after(() => ddb.restore());
  let lines: string[];
  let findToken: ReturnType<typeof createTokenLookup>;

  beforeEach(() => {
    ddb.reset();
    lines = [];
    const logger = createLogger("test", { level: "DEBUG", write: (line) => lines.push(line) });
    findToken = createTokenLookup({ documentClient, tableName: TABLE, logger, now: () => NOW_MS });
  });

  afterEach(() => {
    for (const line of lines) expect(line).to.not.include(TOKEN);
  });

  it("finds a valid record by the token's digest with a consistent read, naming it by digest prefix", async () => {
    ddb.on(GetCommand).resolves({ Item: record });
    const found = await findToken(TOKEN);
    expect(found.record.principalId).to.equal("alice");
    expect(found.tokenRef).to.equal(digestPrefix(digestToken(TOKEN)));
    const [call] = ddb.commandCalls(GetCommand);
    expect(call?.args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { tokenDigest: digestToken(TOKEN) },
      ConsistentRead: true,
    });
  });

  it("refuses a malformed token without reading the table", async () => {
    const error = await rejection(findToken("no spaces allowed"));
    expect(error).to.be.instanceOf(UnauthorizedError).and.have.property("message", "Unauthorized");
    expect(ddb.commandCalls(GetCommand)).to.have.length(0);
  });

  it("refuses an unknown token", async () => {
    ddb.on(GetCommand).resolves({});
    expect(await rejection(findToken(TOKEN))).to.be.instanceOf(UnauthorizedError);
  });

  it("refuses an expired token, expiry being checked in code (TTL deletes late)", async () => {
    ddb.on(GetCommand).resolves({ Item: { ...record, expiresAt: NOW_MS / 1000 } });
    const error = await rejection(findToken(TOKEN));
    expect(error).to.be.instanceOf(UnauthorizedError).and.have.property("reason", "expired token");
  });

  it("fails closed (not Unauthorized, so API Gateway answers 500) when the table cannot be read", async () => {
    ddb.on(GetCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const error = await rejection(findToken(TOKEN));
    expect(error).to.be.instanceOf(ApigwTokenAuthError).and.not.be.instanceOf(UnauthorizedError);
    expect(error.message).to.equal("token table unavailable");
    expect(error).to.have.property("actual", "ThrottlingException");
  });

  it("fails closed (500, never Allow) on a corrupt record", async () => {
    ddb.on(GetCommand).resolves({ Item: { ...record, scopes: [] } });
    const error = await rejection(findToken(TOKEN));
    expect(error).to.not.be.instanceOf(UnauthorizedError);
    expect(error.message).to.equal('token record attribute "scopes" is invalid');
  });

  it("adds the caller's log fields to its log lines", async () => {
    ddb.on(GetCommand).resolves({});
    await rejection(findToken(TOKEN, { agentId: "agent-7" }));
    expect(lines.some((line) => JSON.parse(line).agentId === "agent-7")).to.equal(true);
  });
});
