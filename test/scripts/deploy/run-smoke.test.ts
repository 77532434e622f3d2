import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { runSmoke, SMOKE_PRINCIPAL } from "../../../scripts/deploy/run-smoke.js";

describe("scripts/deploy/run-smoke", () => {
  let cloudformation: AwsClientStub<CloudFormationClient>;
  let dynamodb: AwsClientStub<DynamoDBClient>;
  let documents: AwsClientStub<DynamoDBDocumentClient>;
  // Installed per suite, not at load time: a stub on the prototype would reach every other test file.
  before(() => {
    cloudformation = mockClient(CloudFormationClient);
    dynamodb = mockClient(DynamoDBClient);
    documents = mockClient(DynamoDBDocumentClient);
  });
  after(() => {
    cloudformation.restore();
    dynamodb.restore();
    documents.restore();
  });

  it("issues its tokens in the stack's token table, calls the stack's ApiUrl, and deletes the tokens", async () => {
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "demo",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: "ApiUrl", OutputValue: "https://abc.execute-api.eu-west-1.amazonaws.com/v1" },
            { OutputKey: "TokenTableName", OutputValue: "demo-auth-token" },
          ],
        },
      ],
    });
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: "demo-auth-token" } });
    const table = new Map<string, Record<string, unknown>>();
    documents.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      table.set(input.Item.tokenDigest as string, input.Item);
      return {};
    });
    documents.on(ScanCommand).callsFake(() => ({ Items: [...table.values()] }));
    documents.on(DeleteCommand).callsFake((input: { Key: { tokenDigest: string } }) => {
      table.delete(input.Key.tokenDigest);
      return {};
    });
    const urls: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      urls.push(String(url));
      return new Response(null, { status: 500 });
    }) as typeof fetch;
    const lines: string[] = [];
    const failed = await runSmoke({
      env: { STACK_NAME: "demo", AWS_REGION: "eu-west-1" },
      log: (line) => lines.push(line),
      fetch: fakeFetch,
    });
    expect(failed).to.equal(7); // the fake API answers 500 to everything
    expect(
      urls.every((url) => url.startsWith("https://abc.execute-api.eu-west-1.amazonaws.com/v1/user")),
    ).to.equal(true);
    const puts = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts).to.have.length(2);
    expect(
      puts.every((put) => put.TableName === "demo-auth-token" && put.Item?.principalId === SMOKE_PRINCIPAL),
    ).to.equal(true);
    expect(documents.commandCalls(DeleteCommand)).to.have.length(2);
    expect(table.size).to.equal(0);
    expect(lines.join("\n")).to.include("Revoked the tokens");
  });
});
