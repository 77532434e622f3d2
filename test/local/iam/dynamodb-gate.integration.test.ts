// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in the YAML is Fn::Sub syntax
import { request as httpRequest } from "node:http";
import { pathToFileURL } from "node:url";
import {
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { generateLocalCredentials, localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { type DynamoDBGate, gateUpstream, startDynamoDBGate } from "../../../local/iam/dynamodb-gate.js";
import type { startFunctionGate as startFunctionGateType } from "../../../local/iam/function-gate.js";
import { bundleFunctionGate } from "../../../local/iam/function-gate-bundle.js";

const TEMPLATE = `
Resources:
  Users:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: gate-users
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  ReaderRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reader-role
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      Policies:
        - PolicyName: read-users
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Users.Arn}
              - Effect: Allow
                Action: dynamodb:UpdateItem
                Resource: !GetAtt Users.Arn
                Condition:
                  ForAllValues:StringEquals: {dynamodb:Attributes: [id, seenAt]}
                  StringEquals: {dynamodb:ReturnValues: NONE}
              - Effect: Allow
                Action: dynamodb:PutItem
                Resource: !GetAtt Users.Arn
                Condition:
                  ForAllValues:StringEquals: {dynamodb:LeadingKeys: [alice]}
              - {Effect: Deny, Action: dynamodb:PutItem, Resource: !GetAtt Users.Arn, Condition: {StringEquals: {dynamodb:ReturnValues: ALL_OLD}}}
  Reader:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: reader
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt ReaderRole.Arn
      Code: {ZipFile: "exports.handler = async () => 1;"}
  Outsider:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/elsewhere
      Code: {ZipFile: "exports.handler = async () => 1;"}
`;

describe("local/iam/dynamodb-gate", function () {
  this.timeout(180_000);
  const stack = resolveStack(parseTemplate(TEMPLATE), { stackName: "gate" });
  let dynamodb: EmbeddedDynamoDB;
  let gate: DynamoDBGate;
  let admin: DynamoDBClient;
  let reader: DynamoDBClient;
  const lines: string[] = [];

  before(async () => {
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    gate = await startDynamoDBGate({ stack, upstream: dynamodb, port: 0, log: (line) => lines.push(line) });
    admin = localDynamoDBClient(
      { endpoint: gate.endpoint, credentials: gate.principals.admin },
      stack.region,
    );
    const readerKey = gate.principals.credentialsFor("Reader");
    reader = localDynamoDBClient(
      { endpoint: gate.endpoint, credentials: readerKey ?? generateLocalCredentials() },
      stack.region,
    );
    await admin.send(
      new CreateTableCommand({
        TableName: "gate-users",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await admin.send(
      new PutItemCommand({ TableName: "gate-users", Item: { id: { S: "u1" }, name: { S: "Ann" } } }),
    );
  });
  after(async () => {
    admin?.destroy();
    reader?.destroy();
    await gate?.stop();
    await dynamodb?.stop();
  });

  /** The error a call rejects with (fails the test if it succeeds). */
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => expect.fail("expected the call to be refused"),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => error,
    );

  it("lets a function do what its role allows, on the run's database", async () => {
    const item = await reader.send(new GetItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } }));
    expect(item.Item).to.deep.equal({ id: { S: "u1" }, name: { S: "Ann" } });
  });

  it("answers an action the role lacks with DynamoDB's AccessDeniedException (400), as AWS words it", async () => {
    const error = await failure(
      reader.send(new DeleteItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.$metadata?.httpStatusCode).to.equal(400);
    expect(error.message).to.equal(
      `User: arn:aws:sts::${stack.accountId}:assumed-role/reader-role/reader is not authorized to perform: ` +
        `dynamodb:DeleteItem on resource: arn:aws:dynamodb:${stack.region}:${stack.accountId}:table/gate-users ` +
        "because no identity-based policy allows the dynamodb:DeleteItem action",
    );
    expect(lines.at(-1)).to.contain("Reader denied: dynamodb:DeleteItem").and.contain("ReaderRole");
    const still = await admin.send(new GetItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } }));
    expect(still.Item).to.not.equal(undefined);
  });

  it("evaluates dynamodb:Attributes and dynamodb:ReturnValues conditions", async () => {
    const update = (expression: string, returnValues?: "ALL_NEW") =>
      reader.send(
        new UpdateItemCommand({
          TableName: "gate-users",
          Key: { id: { S: "u1" } },
          UpdateExpression: expression,
          ExpressionAttributeValues: { ":v": { N: "1" } },
          ...(returnValues ? { ReturnValues: returnValues } : {}),
        }),
      );
    await update("SET seenAt = :v");
    expect((await failure(update("SET #n = :v".replace("#n", "name")))).name).to.equal(
      "AccessDeniedException",
    );
    expect((await failure(update("SET seenAt = :v", "ALL_NEW"))).name).to.equal("AccessDeniedException");
  });

  it("evaluates dynamodb:LeadingKeys, and an explicit Deny wins with its own wording", async () => {
    const put = (id: string, returnValues?: "ALL_OLD") =>
      reader.send(
        new PutItemCommand({
          TableName: "gate-users",
          Item: { id: { S: id } },
          ...(returnValues ? { ReturnValues: returnValues } : {}),
        }),
      );
    await put("alice");
    expect((await failure(put("bob"))).name).to.equal("AccessDeniedException");
    const denied = await failure(put("alice", "ALL_OLD"));
    expect(denied.message).to.match(/with an explicit deny in an identity-based policy$/);
  });

  it("sees a role's policy change on a reload: a call it allowed (and remembered) is denied, then allowed again", async () => {
    const get = new GetItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } });
    const switchTo = (template: string) => {
      const next = resolveStack(parseTemplate(template), { stackName: "gate" });
      gate.use(next, gate.principalsFor(next));
    };
    for (let i = 0; i < 3; i++) await reader.send(get);
    try {
      switchTo(TEMPLATE.replace("Action: dynamodb:GetItem", "Action: dynamodb:Query"));
      expect((await failure(reader.send(get))).name).to.equal("AccessDeniedException");
    } finally {
      switchTo(TEMPLATE);
    }
    expect((await reader.send(get)).Item?.id).to.deep.equal({ S: "u1" });
  });

  it("denies every call of a function whose role the template does not define, and said so at start", async () => {
    const outsider = localDynamoDBClient(
      {
        endpoint: gate.endpoint,
        credentials: gate.principals.credentialsFor("Outsider") ?? generateLocalCredentials(),
      },
      stack.region,
    );
    try {
      const error = await failure(
        outsider.send(new GetItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } })),
      );
      expect(error.name).to.equal("AccessDeniedException");
      expect(error.message).to.contain("assumed-role/elsewhere/");
      expect(lines[0]).to.contain(
        "Outsider: its role arn:aws:iam::000000000000:role/elsewhere is not defined",
      );
    } finally {
      outsider.destroy();
    }
  });

  it("runs as a function's own gate, bundled as its worker imports it: that function's key alone, its role deciding", async () => {
    const bundle = await bundleFunctionGate();
    const readerKey = generateLocalCredentials();
    const { startFunctionGate } = (await import(pathToFileURL(bundle.modulePath).href)) as {
      startFunctionGate: typeof startFunctionGateType;
    };
    const ownLines: string[] = [];
    const upstream = gateUpstream(dynamodb);
    // What the worker is given to forward with never holds the database's secret key.
    expect(JSON.stringify(upstream)).to.not.include(dynamodb.credentials.secretAccessKey);
    const own = await startFunctionGate(
      { stack, logicalId: "Reader", credentials: readerKey, upstream },
      (line) => ownLines.push(line),
    );
    const client = (credentials: typeof readerKey) =>
      localDynamoDBClient({ endpoint: own.endpoint, credentials }, stack.region);
    const asReader = client(readerKey);
    const asAdmin = client(gate.principals.admin);
    try {
      const key = { TableName: "gate-users", Key: { id: { S: "u1" } } };
      expect((await asReader.send(new GetItemCommand(key))).Item?.name).to.deep.equal({ S: "Ann" });
      const denied = await failure(asReader.send(new DeleteItemCommand(key)));
      expect(denied.name).to.equal("AccessDeniedException");
      expect(denied.message).to.contain("assumed-role/reader-role/reader is not authorized");
      expect(ownLines.at(-1)).to.contain("Reader denied: dynamodb:DeleteItem").and.contain("ReaderRole");
      // The run's admin key is not this gate's: only the function's own key opens it.
      expect((await failure(asAdmin.send(new GetItemCommand(key)))).name).to.equal(
        "UnrecognizedClientException",
      );
      const fromPage = await fetch(own.endpoint, { method: "POST", headers: { origin: "http://evil" } });
      expect(fromPage.status).to.equal(403);
    } finally {
      asReader.destroy();
      asAdmin.destroy();
      await own.stop();
      bundle.remove();
    }
  });

  it("refuses unsigned calls, keys not of this run and bad signatures with DynamoDB's errors", async () => {
    const unsigned = await fetch(gate.endpoint, {
      method: "POST",
      headers: {
        "x-amz-target": "DynamoDB_20120810.ListTables",
        "content-type": "application/x-amz-json-1.0",
      },
      body: "{}",
    });
    expect(unsigned.status).to.equal(400);
    expect(((await unsigned.json()) as { __type: string }).__type).to.equal(
      "com.amazon.coral.service#MissingAuthenticationTokenException",
    );
    const stranger = localDynamoDBClient({
      endpoint: gate.endpoint,
      credentials: generateLocalCredentials(),
    });
    const wrongSecret = localDynamoDBClient({
      endpoint: gate.endpoint,
      credentials: { accessKeyId: gate.principals.admin.accessKeyId, secretAccessKey: "guessed" },
    });
    try {
      const get = new GetItemCommand({ TableName: "gate-users", Key: { id: { S: "u1" } } });
      expect((await failure(stranger.send(get))).name).to.equal("UnrecognizedClientException");
      expect((await failure(wrongSecret.send(get))).name).to.equal("InvalidSignatureException");
    } finally {
      stranger.destroy();
      wrongSecret.destroy();
    }
  });

  it("refuses, with 403 and before any signature, a web page's call, a preflight and a foreign Host", async () => {
    const withOrigin = await fetch(gate.endpoint, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(withOrigin.status).to.equal(403);
    expect(withOrigin.headers.get("access-control-allow-origin")).to.equal(null);
    expect(((await withOrigin.json()) as { message: string }).message).to.contain("Origin");
    const preflight = await fetch(gate.endpoint, { method: "OPTIONS" });
    expect(preflight.status).to.equal(403);
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port: gate.port,
          method: "POST",
          headers: { host: `attacker.example:${gate.port}` },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => {
            body += chunk.toString("utf8");
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.end("{}");
    });
    expect(rebound.status).to.equal(403);
    expect(rebound.body).to.contain(`127.0.0.1:${gate.port}`);
  });

  it("refuses at start-up a role attaching an AWS-managed policy the local run does not know, by name", async () => {
    const unknown = TEMPLATE.replace(
      "service-role/AWSLambdaBasicExecutionRole",
      "AmazonS3FullAccessButMadeUp",
    );
    const error = await startDynamoDBGate({
      stack: resolveStack(parseTemplate(unknown), { stackName: "gate" }),
      upstream: dynamodb,
      port: 0,
    }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect((error as Error).message).to.contain("arn:aws:iam::aws:policy/AmazonS3FullAccessButMadeUp");
  });
});
