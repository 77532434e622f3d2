// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in the YAML is Fn::Sub syntax
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { createStackTables } from "../../../local/dynamodb/stack-tables.js";
import { closeServer, listen } from "../../../local/listen.js";

const TEMPLATE = parseTemplate(`
Parameters:
  Capacity: {Type: Number, Default: 2}
Resources:
  Tokens:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "\${AWS::StackName}-tokens"
      AttributeDefinitions: [{AttributeName: tokenDigest, AttributeType: S}, {AttributeName: principalId, AttributeType: S}]
      KeySchema: [{AttributeName: tokenDigest, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
      SSESpecification: {SSEEnabled: true}
      GlobalSecondaryIndexes:
        - IndexName: byPrincipal
          KeySchema: [{AttributeName: principalId, KeyType: HASH}]
          Projection: {ProjectionType: KEYS_ONLY}
  Provisioned:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      ProvisionedThroughput: {ReadCapacityUnits: !Ref Capacity, WriteCapacityUnits: 1}
`);

describe("local/dynamodb", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "local-dynamodb-test-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("creates the stack's tables with their keys, indexes and billing mode, noting the skipped TTL", async () => {
    const dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    const client = localDynamoDBClient(dynamodb.endpoint);
    try {
      const lines: string[] = [];
      const stack = resolveStack(TEMPLATE, { stackName: "t" });
      const tables = await createStackTables(client, stack, (line) => lines.push(line));
      expect(tables).to.deep.equal({
        Tokens: "t-tokens",
        Provisioned: stack.resources.Provisioned?.physicalId,
      });
      const table = (await client.send(new DescribeTableCommand({ TableName: "t-tokens" }))).Table;
      expect(table?.TableStatus).to.equal("ACTIVE");
      expect(table?.KeySchema).to.deep.equal([{ AttributeName: "tokenDigest", KeyType: "HASH" }]);
      expect(table?.BillingModeSummary?.BillingMode).to.equal("PAY_PER_REQUEST");
      expect(table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).to.deep.equal(["byPrincipal"]);
      const provisioned = (
        await client.send(new DescribeTableCommand({ TableName: tables.Provisioned as string }))
      ).Table;
      expect(provisioned?.ProvisionedThroughput).to.deep.include({
        ReadCapacityUnits: 2,
        WriteCapacityUnits: 1,
      });
      expect(lines).to.deep.equal([
        "Tokens: TimeToLiveSpecification not applied (the embedded DynamoDB has no TTL; expiry is checked in code)",
      ]);
    } finally {
      client.destroy();
      await dynamodb.stop();
    }
  });

  it("keeps tables and items in the data directory across a restart", async () => {
    const stack = resolveStack(TEMPLATE, { stackName: "t" });
    /** Starts the DynamoDB on the data directory, runs `use`, and always stops it. */
    const withDynamoDB = async (use: (client: ReturnType<typeof localDynamoDBClient>) => Promise<void>) => {
      const dynamodb = await startEmbeddedDynamoDB({ dataDir });
      const client = localDynamoDBClient(dynamodb.endpoint);
      try {
        await createStackTables(client, stack);
        await use(client);
      } finally {
        client.destroy();
        await dynamodb.stop();
      }
    };
    await withDynamoDB(async (client) => {
      await client.send(new PutItemCommand({ TableName: "t-tokens", Item: { tokenDigest: { S: "d1" } } }));
    });
    await withDynamoDB(async (client) => {
      const item = await client.send(
        new GetItemCommand({ TableName: "t-tokens", Key: { tokenDigest: { S: "d1" } } }),
      );
      expect(item.Item).to.deep.equal({ tokenDigest: { S: "d1" } });
    });
  });

  it("refuses a kept table whose key schema the template changed, saying how to start afresh", async () => {
    const dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    const client = localDynamoDBClient(dynamodb.endpoint);
    try {
      await createStackTables(client, resolveStack(TEMPLATE, { stackName: "t" }));
      const changed = parseTemplate(
        "Resources:\n  Tokens:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t-tokens\n      AttributeDefinitions: [{AttributeName: other, AttributeType: S}]\n      KeySchema: [{AttributeName: other, KeyType: HASH}]\n      BillingMode: PAY_PER_REQUEST\n",
      );
      const error = await createStackTables(client, resolveStack(changed)).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as ApigwTokenAuthError).message).to.contain("DATA_DIR");
      expect((error as ApigwTokenAuthError).actual).to.equal("tokenDigest HASH");
    } finally {
      client.destroy();
      await dynamodb.stop();
    }
  });

  it("says which variable moves it when its port is taken", async () => {
    const blocker = createServer();
    const port = await listen(blocker, "127.0.0.1", 0, { service: "blocker", envVariable: "X" });
    try {
      const error = await startEmbeddedDynamoDB({ port, dataDir: null }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message)
        .to.contain(`port ${port}`)
        .and.contain("DYNAMODB_PORT=");
    } finally {
      await closeServer(blocker);
    }
  });
});
