/**
 * What a DynamoDB API call asks IAM for: one authorization check per action and resource it needs
 * (a batch or transaction touches several tables, each checked with its own action, as IAM does),
 * each with the DynamoDB condition keys the request carries:
 * - `dynamodb:LeadingKeys`: the partition-key values of the items it names (key schemas from the
 *   stack's tables);
 * - `dynamodb:Attributes`: the top-level attribute names in its keys, items and expressions (after
 *   `#name` substitution), `AttributesToGet` and `AttributeUpdates`;
 * - `dynamodb:ReturnValues` (default `NONE` where the operation takes it), `dynamodb:Select`,
 *   `dynamodb:ReturnConsumedCapacity`; and `aws:RequestedRegion`, `aws:SecureTransport` (true: the
 *   deployed functions call DynamoDB over HTTPS).
 */
import type { AccessRequest } from "../../lib/iam/policy-evaluator.js";

/** A table's key attribute names. */
export interface TableKeys {
  partitionKey: string;
}

/** Where the calls go: region, account and the known tables' keys (by table name). */
export interface DynamoDBCallScope {
  region: string;
  accountId: string;
  tables: ReadonlyMap<string, TableKeys>;
}

/** One check: `dynamodb:<action>` on a table or index ARN, with its condition keys. */
export type DynamoDBCheck = AccessRequest;

type Json = Record<string, unknown>;

/** Single-table operations: the action is the operation's name, the resource its table (or index). */
const TABLE_OPERATIONS = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "DescribeTable",
  "CreateTable",
  "DeleteTable",
  "UpdateTable",
  "DescribeTimeToLive",
  "UpdateTimeToLive",
  "DescribeContinuousBackups",
  "ListTagsOfResource",
  "TagResource",
  "UntagResource",
]);
const RETURN_VALUES_OPERATIONS = new Set(["PutItem", "UpdateItem", "DeleteItem"]);

/**
 * The checks for `operation` (from `X-Amz-Target: DynamoDB_20120810.<operation>`) with `body`.
 * An operation it cannot map (PartiQL, backups, streams, ...) gives one check on `*`, so only a
 * policy granting that action on every resource allows it.
 *
 * @example
 * ```ts
 * const scope = { region: "us-east-1", accountId: "000000000000", tables: new Map([["users", { partitionKey: "id" }]]) };
 * const [check] = dynamodbChecks("DeleteItem", { TableName: "users", Key: { id: { S: "u1" } } }, scope);
 * // { action: "dynamodb:DeleteItem", resource: "arn:aws:dynamodb:us-east-1:000000000000:table/users", context: {...} }
 * ```
 */
export function dynamodbChecks(operation: string, body: Json, scope: DynamoDBCallScope): DynamoDBCheck[] {
  const base = { "aws:RequestedRegion": scope.region, "aws:SecureTransport": true };
  const arn = (table: string, index?: unknown) =>
    `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${table}${typeof index === "string" ? `/index/${index}` : ""}`;
  const check = (action: string, table: string, request: Json, index?: unknown): DynamoDBCheck => ({
    action: `dynamodb:${action}`,
    resource: arn(table, index),
    context: { ...base, ...conditionKeys(action, table, request, scope) },
  });

  if (TABLE_OPERATIONS.has(operation)) {
    const table = stringOr(body.TableName ?? tableFromArn(body.ResourceArn), "");
    return [check(operation, table, body, body.IndexName)];
  }
  if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
    return Object.entries(objectOr(body.RequestItems)).flatMap(([table, entry]) => {
      if (operation === "BatchGetItem") {
        const request = objectOr(entry);
        const keys = arrayOr(request.Keys).map(objectOr);
        return [check("BatchGetItem", table, { ...request, Keys: keys })];
      }
      const writes = arrayOr(entry).map(objectOr);
      const items = writes.flatMap((write) => {
        const put = objectOr(write.PutRequest).Item;
        const remove = objectOr(write.DeleteRequest).Key;
        return [put, remove].filter((item) => item !== undefined).map(objectOr);
      });
      return [check("BatchWriteItem", table, { Keys: items })];
    });
  }
  if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
    const parts: [string, string][] = [
      ["Put", "PutItem"],
      ["Update", "UpdateItem"],
      ["Delete", "DeleteItem"],
      ["ConditionCheck", "ConditionCheckItem"],
      ["Get", "GetItem"],
    ];
    return arrayOr(body.TransactItems).flatMap((entry) =>
      parts.flatMap(([part, action]) => {
        const request = objectOr(objectOr(entry)[part]);
        return Object.keys(request).length === 0
          ? []
          : [check(action, stringOr(request.TableName, ""), request)];
      }),
    );
  }
  if (operation === "ListTables") return [{ action: "dynamodb:ListTables", resource: "*", context: base }];
  return [{ action: `dynamodb:${operation}`, resource: "*", context: base }];
}

/** The DynamoDB condition keys of one table's part of a request. */
function conditionKeys(action: string, table: string, request: Json, scope: DynamoDBCallScope): Json {
  const keys: Json = {};
  const items = [request.Key, request.Item, ...arrayOr(request.Keys)]
    .filter((i) => i !== undefined)
    .map(objectOr);
  const partitionKey = scope.tables.get(table)?.partitionKey;
  const leading = partitionKey === undefined ? [] : items.flatMap((item) => scalarOf(item[partitionKey]));
  const keyCondition = objectOr(request.ExpressionAttributeValues);
  if (partitionKey !== undefined && typeof request.KeyConditionExpression === "string") {
    leading.push(...partitionValuesOf(request.KeyConditionExpression, partitionKey, request, keyCondition));
  }
  if (leading.length > 0) keys["dynamodb:LeadingKeys"] = [...new Set(leading)];
  const attributes = new Set<string>(items.flatMap((item) => Object.keys(item)));
  const names = objectOr(request.ExpressionAttributeNames);
  for (const field of [
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
  ]) {
    const expression = request[field];
    if (typeof expression === "string")
      for (const name of expressionNames(expression, names)) attributes.add(name);
  }
  for (const name of arrayOr(request.AttributesToGet)) if (typeof name === "string") attributes.add(name);
  for (const name of Object.keys(objectOr(request.AttributeUpdates))) attributes.add(name);
  if (attributes.size > 0) keys["dynamodb:Attributes"] = [...attributes];
  if (typeof request.ReturnValues === "string") keys["dynamodb:ReturnValues"] = request.ReturnValues;
  else if (RETURN_VALUES_OPERATIONS.has(action)) keys["dynamodb:ReturnValues"] = "NONE";
  if (typeof request.Select === "string") keys["dynamodb:Select"] = request.Select;
  if (typeof request.ReturnConsumedCapacity === "string") {
    keys["dynamodb:ReturnConsumedCapacity"] = request.ReturnConsumedCapacity;
  }
  return keys;
}

/**
 * The top-level attribute names an expression refers to: `#name` placeholders resolved, plain names
 * (not values `:v`, functions or keywords) taken as they are, document paths cut to their first part.
 */
function expressionNames(expression: string, names: Json): string[] {
  const found: string[] = [];
  const withoutStrings = expression.replace(/:[A-Za-z0-9_]+/g, " ");
  for (const match of withoutStrings.matchAll(/(#[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    const [, token = "", call] = match;
    const start = match.index ?? 0;
    // A path's later parts (`a.b`, `a[0].b`) are not top-level names.
    if (start > 0 && withoutStrings[start - 1] === ".") continue;
    if (call !== undefined || EXPRESSION_KEYWORDS.has(token.toUpperCase())) continue;
    const name = token.startsWith("#") ? names[token] : token;
    if (typeof name === "string") found.push(name);
  }
  return found;
}

const EXPRESSION_KEYWORDS = new Set(["SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "BETWEEN", "IN"]);

/** Partition-key values a key condition pins (`#pk = :v` or `pk = :v`). */
function partitionValuesOf(expression: string, partitionKey: string, request: Json, values: Json): string[] {
  const names = objectOr(request.ExpressionAttributeNames);
  const found: string[] = [];
  for (const [, left = "", right = ""] of expression.matchAll(/([#A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    const name = left.startsWith("#") ? names[left] : left;
    if (name === partitionKey) found.push(...scalarOf(values[right]));
  }
  return found;
}

/** `{ S: "x" }` / `{ N: "1" }` / `{ B: "..." }` → its value as a string. */
function scalarOf(value: unknown): string[] {
  const attribute = objectOr(value);
  const scalar = attribute.S ?? attribute.N ?? attribute.B;
  return typeof scalar === "string" ? [scalar] : [];
}

function tableFromArn(arn: unknown): string | undefined {
  return typeof arn === "string" ? /:table\/([^/]+)/.exec(arn)?.[1] : undefined;
}

function objectOr(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function arrayOr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}
