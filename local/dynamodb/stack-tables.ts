/**
 * Creating the `AWS::DynamoDB::Table` resources of a resolved stack in the embedded DynamoDB, the
 * way CloudFormation would: key schema, attribute definitions, indexes and billing mode.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { type ResolvedStack, resourcesOfType } from "../cloudformation/resolved-stack.js";

/**
 * Properties passed to CreateTable as they are. The others (SSE, point-in-time recovery, deletion
 * protection, tags, ...) change nothing a local caller can observe.
 */
const CREATE_TABLE_PROPERTIES = [
  "AttributeDefinitions",
  "KeySchema",
  "BillingMode",
  "ProvisionedThroughput",
  "GlobalSecondaryIndexes",
  "LocalSecondaryIndexes",
] as const;

/**
 * Creates every table of the stack that does not exist yet (tables kept in the data directory from
 * an earlier start are reused, after checking their key schema still matches) and returns the
 * table names by logical id.
 *
 * `TimeToLiveSpecification` is applied when the DynamoDB has TTL (`supportsTimeToLive`: DynamoDB
 * Local does). On dynalite, which has no UpdateTimeToLive, expired items stay until deleted and `log`
 * receives one line saying so. Either way is safe because DynamoDB's own TTL deletes items hours or
 * days late, so the code checks `expiresAt` itself.
 *
 * @example
 * ```ts
 * import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 *
 * declare const client: DynamoDBClient;
 * declare const stack: ResolvedStack;
 * const tables = await createStackTables(client, stack, { supportsTimeToLive: true });
 * // { TokenTable: "local-auth-token", UserTable: "local-users" }
 * ```
 */
export async function createStackTables(
  client: DynamoDBClient,
  stack: ResolvedStack,
  options: { supportsTimeToLive: boolean; log?: (line: string) => void },
): Promise<Record<string, string>> {
  const { log = () => undefined } = options;
  const tables: Record<string, string> = {};
  for (const [logicalId, resource] of resourcesOfType(stack, "AWS::DynamoDB::Table")) {
    const tableName = resource.physicalId;
    const input: CreateTableCommandInput = { TableName: tableName } as CreateTableCommandInput;
    for (const property of CREATE_TABLE_PROPERTIES) {
      if (resource.properties[property] !== undefined) {
        Object.assign(input, { [property]: withNumericCapacities(resource.properties[property]) });
      }
    }
    if (resource.properties.StreamSpecification !== undefined) {
      throw new ApigwTokenAuthError(
        `Resources.${logicalId}.Properties.StreamSpecification: the embedded DynamoDB has no streams`,
        { expected: "a table without StreamSpecification", actual: "StreamSpecification" },
      );
    }
    const existing = await describe(client, tableName);
    if (existing) {
      assertSameKeys(logicalId, tableName, existing, input.KeySchema ?? []);
    } else {
      await client.send(new CreateTableCommand(input));
      await waitUntilActive(client, tableName);
    }
    const ttl = resource.properties.TimeToLiveSpecification as TimeToLiveSpecification | undefined;
    if (ttl !== undefined && options.supportsTimeToLive) {
      await applyTimeToLive(client, tableName, ttl);
    } else if (ttl !== undefined) {
      log(
        `${logicalId}: TimeToLiveSpecification not applied (dynalite has no TTL; expiry is checked in code)`,
      );
    }
    tables[logicalId] = tableName;
  }
  return tables;
}

/** The template's `TimeToLiveSpecification`. */
interface TimeToLiveSpecification {
  AttributeName?: string;
  Enabled?: boolean | string;
}

/**
 * Makes the table's TTL what the template says, as CloudFormation does: UpdateTimeToLive only when
 * it differs (DynamoDB refuses to enable TTL that is already enabled).
 */
async function applyTimeToLive(
  client: DynamoDBClient,
  tableName: string,
  spec: TimeToLiveSpecification,
): Promise<void> {
  const enabled = spec.Enabled === true || spec.Enabled === "true";
  const current = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName })))
    .TimeToLiveDescription;
  const isEnabled = current?.TimeToLiveStatus === "ENABLED" || current?.TimeToLiveStatus === "ENABLING";
  if (isEnabled === enabled && (!enabled || current?.AttributeName === spec.AttributeName)) return;
  if (isEnabled && enabled) {
    // Another attribute: DynamoDB changes it by disabling first.
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: current?.AttributeName, Enabled: false },
      }),
    );
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: {
        AttributeName: enabled ? spec.AttributeName : current?.AttributeName,
        Enabled: enabled,
      },
    }),
  );
}

/**
 * Waits until a new table is ACTIVE. dynalite flips CREATING to ACTIVE on a timer even with
 * `createTableMs: 0`, and answers ResourceNotFoundException to item calls until then.
 */
export async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await describe(client, tableName))?.TableStatus !== "ACTIVE") {
    if (Date.now() > deadline) {
      throw new ApigwTokenAuthError(`table ${tableName} did not become ACTIVE`, {
        expected: "ACTIVE",
        actual: `not ACTIVE after ${timeoutMs} ms`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === "ResourceNotFoundException") {
      return undefined;
    }
    throw error;
  }
}

function assertSameKeys(
  logicalId: string,
  tableName: string,
  existing: { KeySchema?: { AttributeName?: string; KeyType?: string }[] },
  wanted: { AttributeName?: string; KeyType?: string }[],
): void {
  const format = (keys: { AttributeName?: string; KeyType?: string }[]) =>
    keys.map((key) => `${key.AttributeName} ${key.KeyType}`).join(", ");
  if (format(existing.KeySchema ?? []) !== format(wanted)) {
    throw new ApigwTokenAuthError(
      `table ${tableName} (${logicalId}) in the data directory has another key schema than the template: ` +
        "delete the data directory (DATA_DIR, default .local/data) to start afresh",
      { expected: format(wanted), actual: format(existing.KeySchema ?? []) },
    );
  }
}

/**
 * `Ref` to a Number parameter gives a string ("5"); CloudFormation converts capacities for the
 * API, so do the same for every `ReadCapacityUnits`/`WriteCapacityUnits` (indexes included).
 */
function withNumericCapacities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNumericCapacities);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      (key === "ReadCapacityUnits" || key === "WriteCapacityUnits") && typeof item === "string"
        ? Number(item)
        : withNumericCapacities(item),
    ]),
  );
}
