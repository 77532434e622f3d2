// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in the YAML is Fn::Sub syntax
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { createStackTables } from "../../../local/dynamodb/stack-tables.js";

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

describe("local/dynamodb/stack-tables", function () {
  // A DynamoDB Local start is a JVM start: seconds, far more on a busy machine.
  this.timeout(180_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "local-dynamodb-test-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts the backend, runs `use` with a client of the run's database, and always stops it. */
  const withDynamoDB = async (
    options: { backend: "dynamodb-local" | "dynalite"; dataDir: string | null },
    use: (client: DynamoDBClient, dynamodb: EmbeddedDynamoDB) => Promise<void>,
  ) => {
    const dynamodb = await startEmbeddedDynamoDB(options);
    const client = localDynamoDBClient(dynamodb);
    try {
      await use(client, dynamodb);
    } finally {
      client.destroy();
      await dynamodb.stop();
    }
  };

  it("creates the stack's tables with their keys, indexes, billing mode and TTL on DynamoDB Local", async () => {
    await withDynamoDB({ backend: "dynamodb-local", dataDir: null }, async (client, dynamodb) => {
      const lines: string[] = [];
      const stack = resolveStack(TEMPLATE, { stackName: "t" });
      const tables = await createStackTables(client, stack, {
        ...dynamodb.capabilities,
        log: (l) => lines.push(l),
      });
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
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: "t-tokens" }));
      expect(ttl.TimeToLiveDescription).to.deep.equal({
        AttributeName: "expiresAt",
        TimeToLiveStatus: "ENABLED",
      });
      expect(lines).to.deep.equal([]);
      // A second start on the same tables leaves TTL as it is (enabling it twice is an error on DynamoDB).
      await createStackTables(client, stack, dynamodb.capabilities);
    });
  });

  it("on the dynalite fallback, notes the TTL it cannot apply", async () => {
    await withDynamoDB({ backend: "dynalite", dataDir: null }, async (client, dynamodb) => {
      const lines: string[] = [];
      await createStackTables(client, resolveStack(TEMPLATE, { stackName: "t" }), {
        ...dynamodb.capabilities,
        log: (line) => lines.push(line),
      });
      expect(lines).to.deep.equal([
        "Tokens: TimeToLiveSpecification not applied (dynalite has no TTL; expiry is checked in code)",
      ]);
    });
  });

  for (const backend of ["dynamodb-local", "dynalite"] as const) {
    it(`keeps tables and items in the data directory across a restart (${backend})`, async () => {
      const stack = resolveStack(TEMPLATE, { stackName: "t" });
      await withDynamoDB({ backend, dataDir }, async (client, dynamodb) => {
        await createStackTables(client, stack, dynamodb.capabilities);
        await client.send(new PutItemCommand({ TableName: "t-tokens", Item: { tokenDigest: { S: "d1" } } }));
      });
      await withDynamoDB({ backend, dataDir }, async (client, dynamodb) => {
        await createStackTables(client, stack, dynamodb.capabilities);
        const item = await client.send(
          new GetItemCommand({ TableName: "t-tokens", Key: { tokenDigest: { S: "d1" } } }),
        );
        expect(item.Item).to.deep.equal({ tokenDigest: { S: "d1" } });
      });
    });
  }

  it("refuses a kept table whose key schema the template changed, saying how to start afresh", async () => {
    await withDynamoDB({ backend: "dynamodb-local", dataDir: null }, async (client, dynamodb) => {
      await createStackTables(client, resolveStack(TEMPLATE, { stackName: "t" }), dynamodb.capabilities);
      const changed = parseTemplate(
        "Resources:\n  Tokens:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t-tokens\n      AttributeDefinitions: [{AttributeName: other, AttributeType: S}]\n      KeySchema: [{AttributeName: other, KeyType: HASH}]\n      BillingMode: PAY_PER_REQUEST\n",
      );
      const error = await createStackTables(client, resolveStack(changed), dynamodb.capabilities).catch(
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as ApigwTokenAuthError).message).to.contain("DATA_DIR");
      expect((error as ApigwTokenAuthError).actual).to.equal("tokenDigest HASH");
    });
  });
});
