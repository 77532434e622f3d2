import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import type { AuditRecord } from "../../../lib/tokens/token-audit.js";
import {
  MAX_TRANSACTION_ITEMS,
  type TokenWrite,
  type TokenWriteTarget,
  writeTokenChange,
} from "../../../lib/tokens/token-writes.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

const audit: AuditRecord = {
  principalId: "alice",
  auditId: "2026-01-01T00:00:00.000Z#ba7816bf8f01#revoke",
  at: "2026-01-01T00:00:00.000Z",
  action: "revoke",
  digestPrefix: "ba7816bf8f01",
  scopes: ["*"],
  actor: "local:test",
};
const remove: TokenWrite = { Delete: { TableName: "tokens", Key: { tokenDigest: "d" } } };
const update: TokenWrite = {
  Update: {
    TableName: "tokens",
    Key: { tokenDigest: "e" },
    UpdateExpression: "SET expiresAt = :e",
    ExpressionAttributeValues: { ":e": 1 },
  },
};

describe("lib/tokens/token-writes", () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  const aws = useAwsMocks({ ddb: client });
  const target = (overrides: Partial<TokenWriteTarget> = {}): TokenWriteTarget => ({
    client,
    tableName: "tokens",
    audit: { tableName: "audit", actor: "local:test" },
    ...overrides,
  });
  const rejection = async (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("expected a rejection"),
      (e: Error) => e,
    );

  it("writes the change and its audit records in one transaction, audit records conditional on being new", async () => {
    aws.ddb.on(TransactWriteCommand).resolves({});
    await writeTokenChange(target(), [remove], [audit]);
    const [call] = aws.ddb.commandCalls(TransactWriteCommand);
    expect(call?.args[0].input.TransactItems).to.deep.equal([
      { Put: { TableName: "audit", Item: audit, ConditionExpression: "attribute_not_exists(auditId)" } },
      remove,
    ]);
    expect(aws.ddb.commandCalls(DeleteCommand)).to.have.length(0);
  });

  it("a single write without audit is one plain call", async () => {
    aws.ddb.on(DeleteCommand).resolves({});
    await writeTokenChange(target({ audit: undefined }), [remove], [audit]);
    expect(aws.ddb.commandCalls(DeleteCommand)).to.have.length(1);
    expect(aws.ddb.commandCalls(TransactWriteCommand)).to.have.length(0);
  });

  it("without transactions writes the audit records first, then the change, warning once per sink", async () => {
    const order: string[] = [];
    aws.ddb.on(PutCommand).callsFake(() => order.push("put audit"));
    aws.ddb.on(DeleteCommand).callsFake(() => order.push("delete"));
    aws.ddb.on(UpdateCommand).callsFake(() => order.push("update"));
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    await writeTokenChange(target({ supportsTransactions: false, warn }), [remove, update], [audit]);
    await writeTokenChange(target({ supportsTransactions: false, warn }), [remove], [audit]);
    expect(order).to.deep.equal(["put audit", "delete", "update", "put audit", "delete"]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^warning: this DynamoDB has no transactions/);
  });

  it("turns a failed condition (in a transaction or not) into ApigwTokenAuthError: nothing was written", async () => {
    aws.ddb.on(TransactWriteCommand).rejects(
      Object.assign(new Error("Transaction cancelled"), {
        name: "TransactionCanceledException",
        CancellationReasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed" }],
      }),
    );
    const cancelled = await rejection(writeTokenChange(target(), [remove], [audit]));
    expect(cancelled).to.be.instanceOf(ApigwTokenAuthError);
    expect(cancelled.message).to.contain("nothing was written");
    aws.ddb
      .on(DeleteCommand)
      .rejects(Object.assign(new Error("failed"), { name: "ConditionalCheckFailedException" }));
    expect(await rejection(writeTokenChange(target({ audit: undefined }), [remove], []))).to.be.instanceOf(
      ApigwTokenAuthError,
    );
  });

  it("names both tables for other failures, and a missing table as such", async () => {
    aws.ddb
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const throttled = await rejection(writeTokenChange(target(), [remove], [audit]));
    expect(throttled).to.be.instanceOf(ApigwTokenAuthError);
    expect(throttled.message).to.equal("writing to tokens / audit failed: Rate exceeded");
    aws.ddb
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error("not found"), { name: "ResourceNotFoundException" }));
    const missing = await rejection(writeTokenChange(target(), [remove], [audit]));
    expect(missing.message).to.equal("table tokens / audit does not exist");
    const cancelledOtherwise = Object.assign(new Error("cancelled"), {
      name: "TransactionCanceledException",
      CancellationReasons: [{ Code: "ThrottlingError" }],
    });
    aws.ddb.on(TransactWriteCommand).rejects(cancelledOtherwise);
    expect(await rejection(writeTokenChange(target(), [remove], [audit]))).to.be.instanceOf(
      ApigwTokenAuthError,
    );
  });

  it("refuses a change larger than one transaction before writing", async () => {
    const writes = Array.from({ length: MAX_TRANSACTION_ITEMS }, () => remove);
    const error = await rejection(writeTokenChange(target(), writes, [audit]));
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.contain("too large for one transaction");
    expect(aws.ddb.calls()).to.have.length(0);
  });

  it("refuses a write that is neither Put, Delete nor Update", async () => {
    const error = await rejection(
      writeTokenChange(
        target({ audit: undefined }),
        [{ ConditionCheck: { TableName: "t", Key: {}, ConditionExpression: "x" } }],
        [],
      ),
    );
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.contain("unsupported token write");
  });
});
