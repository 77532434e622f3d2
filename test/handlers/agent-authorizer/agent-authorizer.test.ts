import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import {
  AGENT_TOKEN_SCOPES,
  createAgentAuthorizer,
  headerValue,
  type RequestAuthorizerEvent,
} from "../../../handlers/agent-authorizer/agent-authorizer.js";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { digestToken } from "../../../handlers/shared/token.js";
import { evaluatePolicy } from "../../../lib/iam/authorizer-policy.js";

const TABLE = "test-auth-token";
const TOKEN = "AgentToken0123456789abcdefABCDEF";
const ARN_PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1";
const NOW_MS = 1_700_000_000_000;

function agentRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tokenDigest: digestToken(TOKEN),
    principalId: "agent-7",
    agentId: "agent-7",
    scopes: [...AGENT_TOKEN_SCOPES],
    createdAt: "2026-11-20T00:00:00.000Z",
    ...overrides,
  };
}

function event(
  headers: Record<string, string | undefined> | null,
  path = "agent/tasks",
): RequestAuthorizerEvent {
  return { type: "REQUEST", methodArn: `${ARN_PREFIX}/GET/${path}`, headers };
}

describe("handlers/agent-authorizer/agent-authorizer", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  // Only this instance is mocked (never the class: other test files use real clients in this process).
  const ddb = mockClient(documentClient);
  const logLines: string[] = [];
  const authorize = createAgentAuthorizer({
    documentClient,
    tableName: TABLE,
    logger: createLogger("test", { write: (line) => logLines.push(line) }),
    now: () => NOW_MS,
  });

  beforeEach(() => {
    ddb.reset();
    logLines.length = 0;
  });
  after(() => ddb.restore());

  async function refusal(promise: Promise<unknown>): Promise<UnauthorizedError> {
    const error = await promise.then(
      () => expect.fail("expected the authorizer to refuse"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UnauthorizedError);
    expect((error as Error).message).to.equal("Unauthorized");
    return error as UnauthorizedError;
  }

  it("allows a token bound to the presented agent id, with the agent id as principalId", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord({ context: { tier: "gold" } }) });
    const result = await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN }));
    expect(result.principalId).to.equal("agent-7");
    expect(result.context).to.deep.equal({ tier: "gold" });
    const calls = ddb.commandCalls(GetCommand);
    expect(calls).to.have.length(1);
    expect(calls[0]?.args[0].input).to.deep.equal({
      TableName: TABLE,
      Key: { tokenDigest: digestToken(TOKEN) },
      ConsistentRead: true,
    });
  });

  it("records the agent token's last use before allowing, and never for a refused agent id", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord() });
    ddb.on(UpdateCommand).resolves({});
    await refusal(authorize(event({ "X-AgentID": "agent-8", "X-Auth-Token": TOKEN })));
    expect(ddb.commandCalls(UpdateCommand)).to.have.length(0);
    await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN }));
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).to.deep.include({
      Key: { tokenDigest: digestToken(TOKEN) },
      UpdateExpression: "SET lastUsedAt = :now",
    });
  });

  it("returns a policy that covers both agent methods, whichever is authorized first", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord() });
    for (const first of ["agent/tasks", "agent/metadata"]) {
      const result = await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN }, first));
      expect(evaluatePolicy(result.policyDocument, `${ARN_PREFIX}/GET/agent/tasks`)).to.equal("Allow");
      expect(evaluatePolicy(result.policyDocument, `${ARN_PREFIX}/GET/agent/metadata`)).to.equal("Allow");
      expect(evaluatePolicy(result.policyDocument, `${ARN_PREFIX}/PUT/user`)).to.equal("ImplicitDeny");
    }
  });

  it("finds both headers whatever their case", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord() });
    const result = await authorize(event({ "x-agentid": "agent-7", "X-AUTH-TOKEN": TOKEN }));
    expect(result.principalId).to.equal("agent-7");
  });

  it("refuses a token presented with another agent id (401)", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord() });
    const error = await refusal(authorize(event({ "X-AgentID": "agent-8", "X-Auth-Token": TOKEN })));
    expect(error.reason).to.equal("token bound to another agent");
  });

  it("refuses a token that is not an agent token (401)", async () => {
    const { agentId: _, ...userRecord } = agentRecord({ principalId: "alice", scopes: ["*"] });
    ddb.on(GetCommand).resolves({ Item: userRecord });
    const error = await refusal(authorize(event({ "X-AgentID": "alice", "X-Auth-Token": TOKEN })));
    expect(error.reason).to.equal("not an agent token");
  });

  for (const [name, headers, reason] of [
    ["no headers at all", null, "missing X-AgentID header"],
    ["a missing X-AgentID", { "X-Auth-Token": TOKEN }, "missing X-AgentID header"],
    ["a missing X-Auth-Token", { "X-AgentID": "agent-7" }, "missing X-Auth-Token header"],
    ["an empty X-Auth-Token", { "X-AgentID": "agent-7", "X-Auth-Token": "" }, "missing X-Auth-Token header"],
    ["a malformed token", { "X-AgentID": "agent-7", "X-Auth-Token": "not a token!" }, "malformed token"],
    ["a malformed agent id", { "X-AgentID": "agent 7", "X-Auth-Token": TOKEN }, "malformed agent id"],
  ] as const) {
    it(`refuses ${name} without reading the table (401)`, async () => {
      const error = await refusal(authorize(event(headers)));
      expect(error.reason).to.equal(reason);
      expect(ddb.commandCalls(GetCommand)).to.have.length(0);
    });
  }

  it("refuses an unknown token (401)", async () => {
    ddb.on(GetCommand).resolves({});
    const error = await refusal(authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN })));
    expect(error.reason).to.equal("unknown token");
  });

  it("refuses an expired agent token (401)", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord({ expiresAt: NOW_MS / 1000 }) });
    const error = await refusal(authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN })));
    expect(error.reason).to.equal("expired token");
  });

  it("fails with a non-Unauthorized error when the table cannot be read (500, never Allow)", async () => {
    ddb.on(GetCommand).rejects(new Error("ProvisionedThroughputExceededException"));
    const error = await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN })).catch((e) => e);
    expect(error.message).to.equal("token table unavailable");
  });

  it("fails with a non-Unauthorized error for a corrupt record (500)", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord({ agentId: 42 }) });
    const error = await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN })).catch((e) => e);
    expect(error.message).to.equal('token record attribute "agentId" is invalid');
    expect(error).to.have.property("actual", "number");
  });

  it("never logs the token", async () => {
    ddb.on(GetCommand).resolves({ Item: agentRecord() });
    await authorize(event({ "X-AgentID": "agent-7", "X-Auth-Token": TOKEN }));
    await authorize(event({ "X-AgentID": "agent-8", "X-Auth-Token": TOKEN })).catch(() => undefined);
    expect(logLines).to.not.be.empty;
    for (const line of logLines) expect(line).to.not.include(TOKEN);
  });
});

describe("headerValue", () => {
  it("matches names case-insensitively and treats empty values as missing", () => {
    expect(headerValue({ "x-agentid": "a" }, "X-AgentID")).to.equal("a");
    expect(headerValue({ "X-AgentID": "" }, "X-AgentID")).to.equal(undefined);
    expect(headerValue(undefined, "X-AgentID")).to.equal(undefined);
  });
});
