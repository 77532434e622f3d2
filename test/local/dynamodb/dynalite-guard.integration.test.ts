// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in the YAML is Fn::Sub syntax
import { request as httpRequest } from "node:http";
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { generateLocalCredentials, localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { startDynamoDBGate } from "../../../local/iam/dynamodb-gate.js";

/** A raw HTTP exchange with the dynalite port: what a web page or another local process can send. */
function rawCall(
  port: number,
  headers: Record<string, string>,
  method = "POST",
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port, method, path: "/", headers }, (answer) => {
      let body = "";
      answer.on("data", (chunk) => {
        body += chunk;
      });
      answer.on("end", () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body }));
    });
    outgoing.on("error", reject);
    outgoing.end(JSON.stringify({}));
  });
}

const LIST_TABLES = {
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": "DynamoDB_20120810.ListTables",
};

describe("local/dynamodb/dynalite-guard", function () {
  this.timeout(60_000);
  let dynamodb: EmbeddedDynamoDB;
  before(async () => {
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null, backend: "dynalite" });
    await localDynamoDBClient(dynamodb).send(
      new CreateTableCommand({
        TableName: "guarded",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  after(() => dynamodb?.stop());

  it("serves calls signed with the run's database credentials", async () => {
    const tables = await localDynamoDBClient(dynamodb).send(new ListTablesCommand({}));
    expect(tables.TableNames).to.deep.equal(["guarded"]);
  });

  it("refuses calls signed with other credentials, as DynamoDB words it", async () => {
    const stranger = localDynamoDBClient({
      endpoint: dynamodb.endpoint,
      credentials: generateLocalCredentials(),
    });
    const error = await stranger.send(new ListTablesCommand({})).then(
      () => expect.fail("a stranger's key was served"),
      (caught: Error) => caught,
    );
    expect(error.name).to.equal("UnrecognizedClientException");
    const forged = localDynamoDBClient({
      endpoint: dynamodb.endpoint,
      credentials: { accessKeyId: dynamodb.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    const badSignature = await forged.send(new ListTablesCommand({})).then(
      () => expect.fail("a wrong secret was served"),
      (caught: Error) => caught,
    );
    expect(badSignature.name).to.equal("InvalidSignatureException");
  });

  it("refuses an unsigned call and a wrong gate proof", async () => {
    const host = `127.0.0.1:${dynamodb.port}`;
    const unsigned = await rawCall(dynamodb.port, { ...LIST_TABLES, host });
    expect(unsigned.status).to.equal(400);
    expect(unsigned.body).to.contain("MissingAuthenticationTokenException");
    const badProof = await rawCall(dynamodb.port, {
      ...LIST_TABLES,
      host,
      "x-local-gate-proof": "0".repeat(64),
    });
    expect(badProof.status).to.equal(400);
    expect(badProof.body).to.contain("UnrecognizedClientException");
    expect(badProof.body).not.to.contain("TableNames");
  });

  it("refuses web pages, preflights and DNS-rebound host names with 403 and no CORS headers", async () => {
    const host = `127.0.0.1:${dynamodb.port}`;
    const fromPage = await rawCall(dynamodb.port, { ...LIST_TABLES, host, origin: "https://evil.example" });
    const preflight = await rawCall(dynamodb.port, { host, origin: "https://evil.example" }, "OPTIONS");
    const rebound = await rawCall(dynamodb.port, { ...LIST_TABLES, host: `evil.example:${dynamodb.port}` });
    for (const answer of [fromPage, preflight, rebound]) {
      expect(answer.status).to.equal(403);
      expect(answer.headers).not.to.have.property("access-control-allow-origin");
    }
    expect(rebound.body).to.contain("answers only Host");
  });

  it("serves what the local DynamoDB gate forwards (the caller's key replaced, the gate's proof added)", async () => {
    const stack = resolveStack(
      parseTemplate(`
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: guarded
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
`),
      { stackName: "guard" },
    );
    const gate = await startDynamoDBGate({ stack, upstream: dynamodb, port: 0 });
    try {
      const admin = localDynamoDBClient(
        { endpoint: gate.endpoint, credentials: gate.principals.admin },
        stack.region,
      );
      await admin.send(new PutItemCommand({ TableName: "guarded", Item: { id: { S: "a" } } }));
      const item = await admin.send(new GetItemCommand({ TableName: "guarded", Key: { id: { S: "a" } } }));
      expect(item.Item).to.deep.equal({ id: { S: "a" } });
    } finally {
      await gate.stop();
    }
  });
});
