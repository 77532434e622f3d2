/**
 * A mocha fixture for token-table tests: one embedded DynamoDB for the suite and, before each test,
 * a fresh, ACTIVE token table (the template's key schema and principalId index) and token-audit
 * table, so tests never see each other's tokens.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TOKEN_KEY_ATTRIBUTE, TOKEN_PRINCIPAL_INDEX } from "../../../../handlers/shared/token-record.js";
import { localDynamoDBClient } from "../../../../lib/aws/local-dynamodb.js";
import type { TokenStore } from "../../../../lib/tokens/token-store.js";
import {
  type EmbeddedDynamoDB,
  startEmbeddedDynamoDB,
} from "../../../../local/dynamodb/embedded-dynamodb.js";
import { waitUntilActive } from "../../../../local/dynamodb/stack-tables.js";

/** What a test sees: the clients and the current test's table names. */
export interface TokenTables {
  /** The low-level client (for CreateTable and the like). */
  base: ReturnType<typeof localDynamoDBClient>;
  /** The document client the token store takes. */
  client: DynamoDBDocumentClient;
  /** The token table made for the running test. */
  table: string;
  /** The token-audit table made for the running test. */
  auditTable: string;
  /** The store for this test's tables, auditing as `local:test` (transactions when the backend has them). */
  store: TokenStore;
}

/**
 * Registers the suite's hooks and returns the fixture, filled in before each test. Call it at the
 * top of a `describe` block, before the suite's own `beforeEach` hooks, which then see it filled.
 */
export function useTokenTables(prefix: string): TokenTables {
  const fixture = {} as TokenTables;
  let dynamodb: EmbeddedDynamoDB;
  let tableNumber = 0;

  before(async function () {
    // The first start in a test process starts DynamoDB Local's JVM: seconds, more on a busy machine.
    this.timeout(180_000);
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    fixture.base = localDynamoDBClient(dynamodb);
    fixture.client = DynamoDBDocumentClient.from(fixture.base);
  });
  after(async () => {
    fixture.base.destroy();
    await dynamodb.stop();
  });
  beforeEach(async () => {
    fixture.table = `${prefix}-${++tableNumber}`;
    fixture.auditTable = `${fixture.table}-audit`;
    await createTokenTables(fixture.base, fixture.table, fixture.auditTable);
    fixture.store = {
      client: fixture.client,
      tableName: fixture.table,
      audit: { tableName: fixture.auditTable, actor: "local:test" },
      supportsTransactions: dynamodb.capabilities.supportsTransactions,
      warn: () => undefined,
    };
  });
  return fixture;
}

/**
 * Creates a token table (key and principalId index as in the template) and a token-audit table,
 * and waits until both are ACTIVE.
 */
export async function createTokenTables(
  base: ReturnType<typeof localDynamoDBClient>,
  table: string,
  auditTable: string,
): Promise<void> {
  await base.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: TOKEN_KEY_ATTRIBUTE, AttributeType: "S" },
        { AttributeName: "principalId", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: TOKEN_KEY_ATTRIBUTE, KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: TOKEN_PRINCIPAL_INDEX,
          KeySchema: [{ AttributeName: "principalId", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
        },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await base.send(
    new CreateTableCommand({
      TableName: auditTable,
      AttributeDefinitions: [
        { AttributeName: "principalId", AttributeType: "S" },
        { AttributeName: "auditId", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "principalId", KeyType: "HASH" },
        { AttributeName: "auditId", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  // dynalite (the fallback) turns a table ACTIVE on a timer, even at 0 ms: a first call can beat it.
  await waitUntilActive(base, table);
  await waitUntilActive(base, auditTable);
}
