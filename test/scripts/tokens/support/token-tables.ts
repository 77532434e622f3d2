/**
 * A mocha fixture for token-store tests: one embedded DynamoDB for the suite and a fresh, ACTIVE
 * token table (the template's key schema) before each test, so tests never see each other's tokens.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TOKEN_KEY_ATTRIBUTE } from "../../../../handlers/shared/token-record.js";
import { localDynamoDBClient } from "../../../../lib/aws/local-dynamodb.js";
import {
  type EmbeddedDynamoDB,
  startEmbeddedDynamoDB,
} from "../../../../local/dynamodb/embedded-dynamodb.js";
import { waitUntilActive } from "../../../../local/dynamodb/stack-tables.js";

/** What a test sees: the clients and the current test's table name. */
export interface TokenTables {
  /** The low-level client (for CreateTable and the like). */
  base: ReturnType<typeof localDynamoDBClient>;
  /** The document client the token store takes. */
  client: DynamoDBDocumentClient;
  /** The table made for the running test. */
  table: string;
}

/**
 * Registers the suite's hooks and returns the fixture, filled in before each test. Call it at the
 * top of a `describe` block, before the suite's own `beforeEach` hooks, which then see it filled.
 *
 * @example
 * ```ts
 * import { issueToken } from "../../../../lib/tokens/token-store.js";
 *
 * describe("lib/tokens/token-store", () => {
 *   const tokens = useTokenTables("tokens");
 *   it("issues", async () => { await issueToken(tokens.client, tokens.table, { principalId: "a" }); });
 * });
 * ```
 */
export function useTokenTables(prefix: string): TokenTables {
  const fixture = {} as TokenTables;
  let dynamodb: EmbeddedDynamoDB;
  let tableNumber = 0;

  before(async () => {
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    fixture.base = localDynamoDBClient(dynamodb.endpoint);
    fixture.client = DynamoDBDocumentClient.from(fixture.base);
  });
  after(async () => {
    fixture.base.destroy();
    await dynamodb.stop();
  });
  beforeEach(async () => {
    fixture.table = `${prefix}-${++tableNumber}`;
    await fixture.base.send(
      new CreateTableCommand({
        TableName: fixture.table,
        AttributeDefinitions: [{ AttributeName: TOKEN_KEY_ATTRIBUTE, AttributeType: "S" }],
        KeySchema: [{ AttributeName: TOKEN_KEY_ATTRIBUTE, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // dynalite turns a table ACTIVE on a timer, even at 0 ms: under load a first call can beat it.
    await waitUntilActive(fixture.base, fixture.table);
  });
  return fixture;
}
