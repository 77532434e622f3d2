/**
 * Carrying a dynalite-era data directory over to DynamoDB Local: dynalite opens the LevelDB files in
 * this process, and every table (key schema, indexes, billing mode) and every item is written to
 * DynamoDB Local. The caller then moves the old files aside, so the import happens once and the
 * original stays on disk.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateListTables,
  paginateScan,
  ResourceInUseException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { generateLocalCredentials, localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
import { closeServer, listen } from "../listen.js";
import { waitUntilActive } from "./stack-tables.js";

/** What was carried over, by table name: the number of items. */
export type ImportedTables = Record<string, number>;

/**
 * Copies every table and item of the dynalite database in `sourceDir` into `target`. Tables that
 * already exist in the target keep their schema and receive the items (PutItem: a repeated import
 * after an interruption writes the same items again).
 *
 * @example
 * ```ts
 * import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 *
 * declare const dynamoDBLocalClient: DynamoDBClient;
 * const imported = await importDynaliteData(".local/data", dynamoDBLocalClient, "us-east-1");
 * // { "local-auth-token": 3, "local-users": 2 }
 * ```
 */
export async function importDynaliteData(
  sourceDir: string,
  target: DynamoDBClient,
  region: string,
): Promise<ImportedTables> {
  const server = dynalite({ path: sourceDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, "127.0.0.1", 0, { service: "the dynalite import", envVariable: "-" });
  // dynalite accepts any credentials and keeps one database for all of them.
  const source = localDynamoDBClient(
    { endpoint: `http://127.0.0.1:${port}`, credentials: generateLocalCredentials() },
    region,
  );
  try {
    const imported: ImportedTables = {};
    for await (const page of paginateListTables({ client: source }, {})) {
      for (const tableName of page.TableNames ?? []) {
        const description = (await source.send(new DescribeTableCommand({ TableName: tableName }))).Table;
        await createLike(target, tableName, description ?? {});
        let count = 0;
        for await (const items of paginateScan({ client: source }, { TableName: tableName })) {
          for (const item of items.Items ?? []) {
            await target.send(new PutItemCommand({ TableName: tableName, Item: item }));
            count++;
          }
        }
        imported[tableName] = count;
      }
    }
    return imported;
  } finally {
    source.destroy();
    await closeServer(server);
  }
}

/** Creates `tableName` in the target with the source's keys, indexes and billing mode, unless it exists. */
async function createLike(target: DynamoDBClient, tableName: string, table: TableDescription): Promise<void> {
  const provisioned = table.BillingModeSummary?.BillingMode !== "PAY_PER_REQUEST";
  const throughput = (capacity?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number }) =>
    provisioned
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: capacity?.ReadCapacityUnits || 1,
            WriteCapacityUnits: capacity?.WriteCapacityUnits || 1,
          },
        }
      : {};
  const input: CreateTableCommandInput = {
    TableName: tableName,
    AttributeDefinitions: table.AttributeDefinitions,
    KeySchema: table.KeySchema,
    BillingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
    ...throughput(table.ProvisionedThroughput),
  };
  if (table.GlobalSecondaryIndexes?.length) {
    input.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ...throughput(index.ProvisionedThroughput),
    }));
  }
  if (table.LocalSecondaryIndexes?.length) {
    input.LocalSecondaryIndexes = table.LocalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }));
  }
  try {
    await target.send(new CreateTableCommand(input));
  } catch (error) {
    if (error instanceof ResourceInUseException || (error as Error).name === "ResourceInUseException") return;
    throw error;
  }
  await waitUntilActive(target, tableName);
}
