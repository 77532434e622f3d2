import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import {
  createTokenAuthorizer,
  type TokenAuthorizerEvent,
} from "../../../handlers/authorizer/token-authorizer.js";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { evaluatePolicy } from "../../../lib/iam/authorizer-policy.js";

const TABLE = "stack-auth-token";
const TOKEN = "s3cretT0kenValue42";
const NOW_MS = 1_800_000_000_000;
const api = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1";
const event: TokenAuthorizerEvent = {
  type: "TOKEN",
  authorizationToken: TOKEN,
  methodArn: `${api}/GET/user/42`,
};
const record = {
  tokenDigest: digestToken(TOKEN),
  principalId: "alice",
  scopes: ["PUT /user", "GET /user/{id}"],
  createdAt: "2026-11-20T00:00:00.000Z",
};

function fixture(name: string): TokenAuthorizerEvent {
  return JSON.parse(readFileSync(new URL(`../../fixtures/apigw/${name}`, import.meta.url), "utf8"));
}

describe("handlers/authorizer/token-authorizer", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  // Created in before(), not while mocha loads the files, so it never overlaps another file's SDK mock.
  let ddb: AwsClientStub<DynamoDBDocumentClient>;
  before(() => {
    ddb = mockClient(documentClient);
  });
  let lines: string[];
  let authorize: ReturnType<typeof createTokenAuthorizer>;

  beforeEach(() => {
    ddb.reset();
    lines = [];
    const logger = createLogger("authorizer", { level: "DEBUG", write: (line) => lines.push(line) });
    authorize = createTokenAuthorizer({ documentClient, tableName: TABLE, logger, now: () => NOW_MS });
  });

  afterEach(() => {
    // Whatever happened, the token itself must never reach the logs.
    for (const line of lines) expect(line).to.not.include(TOKEN);
  });

  after(() => ddb.restore());

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    expect.fail("expected the authorizer to throw, never to Allow");
  }

  describe("a known token", () => {
    it("reads the record by the token's digest, strongly consistent", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      await authorize(event);
      const calls = ddb.commandCalls(GetCommand);
      expect(calls).to.have.length(1);
      expect(calls[0]?.args[0].input).to.deep.equal({
        TableName: TABLE,
        Key: { tokenDigest: digestToken(TOKEN) },
        ConsistentRead: true,
      });
    });

    it("allows every method its scopes grant, on the incoming API and stage", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      const result = await authorize(event);
      expect(result).to.deep.equal({
        principalId: "alice",
        policyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "execute-api:Invoke",
              Resource: [`${api}/GET/user/*`, `${api}/PUT/user`],
            },
          ],
        },
        context: {},
      });
    });

    it("returns a policy that stays right for the next method within the cache TTL", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      const { policyDocument } = await authorize(event);
      // API Gateway caches this policy per token and evaluates it for the next request: PUT /user.
      expect(evaluatePolicy(policyDocument, `${api}/PUT/user`)).to.equal("Allow");
      expect(evaluatePolicy(policyDocument, `${api}/GET/user/7`)).to.equal("Allow");
      expect(evaluatePolicy(policyDocument, `${api}/DELETE/user/7`)).to.equal("ImplicitDeny");
    });

    it("passes the record's context (strings, numbers, booleans)", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, context: { tier: "gold", quota: 5, admin: false } } });
      expect((await authorize(event)).context).to.deep.equal({ tier: "gold", quota: 5, admin: false });
    });

    it("allows a token that has not expired yet", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, expiresAt: NOW_MS / 1000 + 1 } });
      expect((await authorize(event)).principalId).to.equal("alice");
    });

    it("logs the digest prefix, the principal and the scopes", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      await authorize(event);
      expect(JSON.parse(lines.at(-1) as string)).to.include({
        level: "INFO",
        message: "allowed",
        token: digestPrefix(digestToken(TOKEN)),
        principalId: "alice",
      });
    });
  });

  describe("last use", () => {
    it("records the last use (conditional UpdateItem on lastUsedAt only) before allowing", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      ddb.on(UpdateCommand).resolves({});
      await authorize(event);
      const [call] = ddb.commandCalls(UpdateCommand);
      expect(call?.args[0].input).to.deep.include({
        TableName: TABLE,
        Key: { tokenDigest: digestToken(TOKEN) },
        UpdateExpression: "SET lastUsedAt = :now",
        ReturnValues: "NONE",
      });
    });

    it("does not write when the token was used within the hour", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, lastUsedAt: NOW_MS / 1000 - 60 } });
      await authorize(event);
      expect(ddb.commandCalls(UpdateCommand)).to.have.length(0);
    });

    it("still allows when the write fails, and logs why", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      ddb.on(UpdateCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
      const result = await authorize(event);
      expect(result.principalId).to.equal("alice");
      expect(lines.some((line) => line.includes("last use not recorded"))).to.equal(true);
    });

    it("does not record a refused token's use", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, agentId: "agent-7", scopes: ["GET /agent/*"] } });
      await rejection(authorize(event));
      expect(ddb.commandCalls(UpdateCommand)).to.have.length(0);
    });
  });

  describe("refusals (401)", () => {
    it("refuses an agent token: it works only through the agents' authorizer, with its X-AgentID", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, agentId: "agent-7", scopes: ["GET /agent/*"] } });
      const error = await rejection(authorize(event));
      expect(error).to.be.instanceOf(UnauthorizedError).with.property("message", "Unauthorized");
      expect(error).to.have.property("reason", "agent token without X-AgentID");
      expect(lines.at(-1)).to.contain('"agentId":"agent-7"');
    });

    const malformed: [string, unknown][] = [
      ["too short", "ab"],
      ["too long", "x".repeat(33)],
      ["a Bearer prefix", `Bearer ${TOKEN}`],
      ["a non-alphanumeric character", `${TOKEN}!`],
      ["empty", ""],
      ["missing", undefined],
      ["not a string", 42],
    ];
    for (const [what, authorizationToken] of malformed) {
      it(`refuses a token that is ${what} without reading the table`, async () => {
        const error = await rejection(authorize({ ...event, authorizationToken } as TokenAuthorizerEvent));
        expect(error).to.be.instanceOf(UnauthorizedError).with.property("message", "Unauthorized");
        expect(error).to.have.property("reason", "malformed token");
        expect(ddb.commandCalls(GetCommand)).to.have.length(0);
      });
    }

    it("refuses a call without an event at all", async () => {
      const error = await rejection(authorize(undefined as unknown as TokenAuthorizerEvent));
      expect(error).to.be.instanceOf(UnauthorizedError);
    });

    it("refuses an unknown token", async () => {
      ddb.on(GetCommand).resolves({});
      const error = await rejection(authorize(event));
      expect(error).to.be.instanceOf(UnauthorizedError).with.property("reason", "unknown token");
      expect(JSON.parse(lines[0] as string)).to.include({
        message: "refused",
        reason: "unknown token",
        token: digestPrefix(digestToken(TOKEN)),
      });
    });

    it("refuses a token at its expiry time (DynamoDB's TTL deletes late)", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, expiresAt: NOW_MS / 1000 } });
      const error = await rejection(authorize(event));
      expect(error).to.be.instanceOf(UnauthorizedError).with.property("reason", "expired token");
    });

    it("uses the real clock when none is injected", async () => {
      const logger = createLogger("authorizer", { write: (line) => lines.push(line) });
      const realClock = createTokenAuthorizer({ documentClient, tableName: TABLE, logger });
      ddb.on(GetCommand).resolves({ Item: { ...record, expiresAt: Math.floor(Date.now() / 1000) - 1 } });
      expect(await rejection(realClock(event))).to.be.instanceOf(UnauthorizedError);
      ddb.on(GetCommand).resolves({ Item: { ...record, expiresAt: Math.floor(Date.now() / 1000) + 3600 } });
      expect((await realClock(event)).principalId).to.equal("alice");
    });
  });

  describe("failures (500, never Allow)", () => {
    const failures: [string, Error][] = [
      [
        "throttling",
        Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
          name: "ProvisionedThroughputExceededException",
        }),
      ],
      ["a network error", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
      ["a timeout", Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" })],
      [
        "access denied",
        Object.assign(new Error("not authorized to perform dynamodb:GetItem"), {
          name: "AccessDeniedException",
        }),
      ],
      [
        "a missing table",
        Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" }),
      ],
    ];
    for (const [what, cause] of failures) {
      it(`answers ${what} with an error whose message is not Unauthorized (500, never Allow)`, async () => {
        ddb.on(GetCommand).rejects(cause);
        const error = await rejection(authorize(event));
        expect(error).to.not.be.instanceOf(UnauthorizedError);
        expect(error.message).to.equal("token table unavailable");
        expect(error.cause).to.equal(cause);
        expect(JSON.parse(lines[0] as string)).to.include({
          level: "ERROR",
          message: "token table unavailable",
        });
      });
    }

    it("answers a corrupt record with an error naming what is wrong (500)", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, scopes: ["FETCH /everything"] } });
      const error = await rejection(authorize(event));
      expect(error.message).to.equal("token record is invalid: invalid scope");
      expect(error).to.have.property("actual", '"FETCH /everything"');
      expect(JSON.parse(lines[0] as string)).to.include({ level: "ERROR", message: "cannot authorize" });
    });

    it("answers a record with an invalid context value with an error (not a policy API Gateway rejects)", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...record, context: { roles: ["admin"] } } });
      const error = await rejection(authorize(event));
      expect(error.message).to.equal(
        'token record is invalid: invalid value for authorizer context key "roles"',
      );
    });

    it("answers a malformed methodArn with an error naming it", async () => {
      ddb.on(GetCommand).resolves({ Item: record });
      const error = await rejection(authorize({ ...event, methodArn: "arn:aws:s3:::bucket" }));
      expect(error.message).to.equal("not a method ARN");
      expect(error).to.have.property("actual", "arn:aws:s3:::bucket");
    });
  });

  describe("real TOKEN events (fixtures)", () => {
    for (const name of [
      "aws-lambda-go/apigw-custom-auth-request.json",
      "powertools-lambda-python/apiGatewayAuthorizerTokenEvent.json",
    ]) {
      it(`authorizes ${name}, building the policy on its API and stage`, async () => {
        const fixtureEvent = fixture(name);
        ddb.on(GetCommand).resolves({
          Item: {
            ...record,
            tokenDigest: digestToken(fixtureEvent.authorizationToken),
            scopes: ["GET /user/*"],
          },
        });
        const result = await authorize(fixtureEvent);
        expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).to.deep.equal({
          tokenDigest: digestToken("allow"),
        });
        expect(result.policyDocument.Statement[0]?.Resource).to.deep.equal([
          "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/user/*",
        ]);
      });
    }
  });
});
