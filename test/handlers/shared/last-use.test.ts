import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { createLastUseRecorder, LAST_USE_INTERVAL_SECONDS } from "../../../handlers/shared/last-use.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { digestToken } from "../../../handlers/shared/token.js";
import type { TokenRecord } from "../../../handlers/shared/token-record.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;
const record: TokenRecord = {
  tokenDigest: digestToken("s3cretT0kenValue42"),
  principalId: "alice",
  scopes: ["*"],
  createdAt: "2026-11-20T00:00:00.000Z",
};

describe("handlers/shared/last-use", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  const aws = useAwsMocks({ ddb: documentClient });
  let lines: string[];
  let recordLastUse: ReturnType<typeof createLastUseRecorder>;
  beforeEach(() => {
    lines = [];
    const logger = createLogger("authorizer", { level: "DEBUG", write: (line) => lines.push(line) });
    recordLastUse = createLastUseRecorder({ documentClient, tableName: "t", logger, now: () => NOW_MS });
  });

  it("sets lastUsedAt, only if missing or older than an hour, touching only the key and that attribute", async () => {
    aws.ddb.on(UpdateCommand).resolves({});
    await recordLastUse(record, "ba7816bf8f01");
    expect(aws.ddb.commandCalls(UpdateCommand)[0]?.args[0].input).to.deep.equal({
      TableName: "t",
      Key: { tokenDigest: record.tokenDigest },
      UpdateExpression: "SET lastUsedAt = :now",
      ConditionExpression:
        "attribute_exists(tokenDigest) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :hourAgo)",
      ExpressionAttributeValues: { ":now": NOW, ":hourAgo": NOW - LAST_USE_INTERVAL_SECONDS },
      ReturnValues: "NONE",
    });
    expect(lines.at(-1)).to.contain("last use recorded");
  });

  it("does not write when the record says the token was used less than an hour ago", async () => {
    await recordLastUse({ ...record, lastUsedAt: NOW - LAST_USE_INTERVAL_SECONDS + 1 }, "ba7816bf8f01");
    expect(aws.ddb.commandCalls(UpdateCommand)).to.have.length(0);
    aws.ddb.on(UpdateCommand).resolves({});
    await recordLastUse({ ...record, lastUsedAt: NOW - LAST_USE_INTERVAL_SECONDS }, "ba7816bf8f01");
    expect(aws.ddb.commandCalls(UpdateCommand)).to.have.length(1);
  });

  it("passes a time budget to the SDK call", async () => {
    aws.ddb.on(UpdateCommand).resolves({});
    await recordLastUse(record, "ba7816bf8f01");
    // send(command, options): the mock records both, its type only the command.
    const sendArgs = aws.ddb.commandCalls(UpdateCommand)[0]?.args as unknown[] | undefined;
    const options = sendArgs?.[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal).to.be.instanceOf(AbortSignal);
  });

  for (const [what, error, level, text] of [
    [
      "a failed condition (another authorizer wrote first)",
      awsError("ConditionalCheckFailedException", "x"),
      "DEBUG",
      "already recorded",
    ],
    [
      "an access denial",
      awsError("AccessDeniedException", "not authorized"),
      "WARN",
      '"reason":"AccessDeniedException"',
    ],
    ["throttling", awsError("ThrottlingException", "slow down"), "WARN", '"reason":"ThrottlingException"'],
    [
      "the budget running out",
      awsError("TimeoutError", "The operation was aborted due to timeout"),
      "WARN",
      "over the 150 ms budget",
    ],
  ] as const) {
    it(`logs ${what} and resolves: the decision is never changed`, async () => {
      aws.ddb.on(UpdateCommand).rejects(error);
      await recordLastUse(record, "ba7816bf8f01", { agentId: "a1" });
      const line = JSON.parse(lines.at(-1) as string);
      expect(line).to.include({ level, token: "ba7816bf8f01", agentId: "a1" });
      expect(lines.at(-1)).to.contain(text);
    });
  }
});
