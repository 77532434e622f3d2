import { expect } from "chai";
import { type DynamoDBCallScope, dynamodbChecks } from "../../../local/iam/dynamodb-request.js";

const SCOPE: DynamoDBCallScope = {
  region: "eu-west-1",
  accountId: "123456789012",
  tables: new Map([
    ["users", { partitionKey: "id" }],
    ["tokens", { partitionKey: "tokenDigest" }],
  ]),
};
const TABLE = (name: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`;
const BASE = { "aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": true };

describe("local/iam/dynamodb-request", () => {
  it("GetItem: the table ARN, the leading key, the key and projected attributes", () => {
    const checks = dynamodbChecks(
      "GetItem",
      {
        TableName: "users",
        Key: { id: { S: "u1" } },
        ProjectionExpression: "#n, address.city, tags[0]",
        ExpressionAttributeNames: { "#n": "name" },
      },
      SCOPE,
    );
    expect(checks).to.deep.equal([
      {
        action: "dynamodb:GetItem",
        resource: TABLE("users"),
        context: {
          ...BASE,
          "dynamodb:LeadingKeys": ["u1"],
          "dynamodb:Attributes": ["id", "name", "address", "tags"],
        },
      },
    ]);
  });

  it("UpdateItem: names in the update and condition expressions, functions and values left out; ReturnValues NONE by default", () => {
    const [check] = dynamodbChecks(
      "UpdateItem",
      {
        TableName: "tokens",
        Key: { tokenDigest: { S: "d" } },
        UpdateExpression: "SET lastUsedAt = :now",
        ConditionExpression: "attribute_not_exists(lastUsedAt) OR lastUsedAt < :hourAgo",
        ExpressionAttributeValues: { ":now": { N: "2" }, ":hourAgo": { N: "1" } },
      },
      SCOPE,
    );
    expect(check?.context).to.deep.include({
      "dynamodb:Attributes": ["tokenDigest", "lastUsedAt"],
      "dynamodb:ReturnValues": "NONE",
      "dynamodb:LeadingKeys": ["d"],
    });
  });

  it("Query on an index: the index ARN, the pinned partition value, Select", () => {
    const [check] = dynamodbChecks(
      "Query",
      {
        TableName: "users",
        IndexName: "byOwner",
        KeyConditionExpression: "#pk = :v",
        ExpressionAttributeNames: { "#pk": "id" },
        ExpressionAttributeValues: { ":v": { S: "alice" } },
        Select: "COUNT",
      },
      SCOPE,
    );
    expect(check?.resource).to.equal(`${TABLE("users")}/index/byOwner`);
    expect(check?.context).to.deep.include({ "dynamodb:LeadingKeys": ["alice"], "dynamodb:Select": "COUNT" });
  });

  it("a transaction: one check per item with the item's own action and table", () => {
    const checks = dynamodbChecks(
      "TransactWriteItems",
      {
        TransactItems: [
          { Put: { TableName: "tokens", Item: { tokenDigest: { S: "d" } } } },
          { Delete: { TableName: "users", Key: { id: { S: "u1" } } } },
          {
            ConditionCheck: {
              TableName: "users",
              Key: { id: { S: "u2" } },
              ConditionExpression: "attribute_exists(id)",
            },
          },
        ],
      },
      SCOPE,
    );
    expect(checks.map((c) => [c.action, c.resource])).to.deep.equal([
      ["dynamodb:PutItem", TABLE("tokens")],
      ["dynamodb:DeleteItem", TABLE("users")],
      ["dynamodb:ConditionCheckItem", TABLE("users")],
    ]);
  });

  it("batches: one check per table, with every item's leading key", () => {
    const checks = dynamodbChecks(
      "BatchWriteItem",
      {
        RequestItems: {
          users: [
            { PutRequest: { Item: { id: { S: "a" } } } },
            { DeleteRequest: { Key: { id: { S: "b" } } } },
          ],
        },
      },
      SCOPE,
    );
    expect(checks).to.have.length(1);
    expect(checks[0]?.action).to.equal("dynamodb:BatchWriteItem");
    expect(checks[0]?.context).to.deep.include({ "dynamodb:LeadingKeys": ["a", "b"] });
    const gets = dynamodbChecks(
      "BatchGetItem",
      { RequestItems: { tokens: { Keys: [{ tokenDigest: { S: "x" } }] } } },
      SCOPE,
    );
    expect(gets[0]?.resource).to.equal(TABLE("tokens"));
  });

  it("an operation it cannot map (PartiQL) is checked on every resource", () => {
    expect(dynamodbChecks("ExecuteStatement", { Statement: "SELECT * FROM users" }, SCOPE)).to.deep.equal([
      { action: "dynamodb:ExecuteStatement", resource: "*", context: BASE },
    ]);
    expect(dynamodbChecks("ListTables", {}, SCOPE)[0]?.resource).to.equal("*");
  });
});
