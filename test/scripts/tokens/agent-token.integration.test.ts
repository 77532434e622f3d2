import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTokenRecord } from "../../../handlers/shared/token-record.js";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { agentTokenDefaults } from "../../../scripts/tokens/agent-token.js";
import { parseTokenCommand } from "../../../scripts/tokens/cli-args.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";

describe("scripts/tokens/agent-token", () => {
  it("binds the token to the agent id, as principal too, with every agent method", () => {
    expect(agentTokenDefaults("agent-7")).to.deep.equal({
      principalId: "agent-7",
      agentId: "agent-7",
      scopes: ["GET /agent/*"],
    });
  });

  for (const agentId of ["", "agent 7", "x".repeat(129)]) {
    it(`refuses the agent id ${JSON.stringify(agentId.slice(0, 12))}`, () => {
      expect(() => agentTokenDefaults(agentId)).to.throw(
        ApigwTokenAuthError,
        "--agent-id is not a valid agent id",
      );
    });
  }

  it("parses issue --agent-id, letting --principal and --scope override the defaults", () => {
    expect(parseTokenCommand(["issue", "--local", "--agent-id", "agent-7"])).to.deep.include({
      principalId: "agent-7",
      agentId: "agent-7",
      scopes: ["GET /agent/*"],
    });
    expect(
      parseTokenCommand([
        "issue",
        "--local",
        "--agent-id",
        "a1",
        "--principal",
        "team",
        "--scope",
        "GET /agent/tasks",
      ]),
    ).to.deep.include({ principalId: "team", agentId: "a1", scopes: ["GET /agent/tasks"] });
  });

  describe("issue --agent-id through the CLI", () => {
    const TABLE = "agent-tokens";
    let dynamodb: EmbeddedDynamoDB;
    let base: ReturnType<typeof localDynamoDBClient>;
    let client: DynamoDBDocumentClient;

    before(async () => {
      dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
      base = localDynamoDBClient(dynamodb.endpoint);
      client = DynamoDBDocumentClient.from(base);
      await base.send(
        new CreateTableCommand({
          TableName: TABLE,
          AttributeDefinitions: [{ AttributeName: "tokenDigest", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "tokenDigest", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    });
    after(async () => {
      base.destroy();
      await dynamodb.stop();
    });

    it("stores an agent token record the authorizer reads, and prints only the token", async () => {
      let stdout = "";
      const code = await runTokenCli(["issue", "--local", "--agent-id", "agent-7"], {
        stdout: (text) => {
          stdout += text;
        },
        stderr: () => undefined,
        resolveTarget: () => ({ client, tableName: TABLE, description: "test", close: () => undefined }),
      });
      expect(code).to.equal(0);
      expect(stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
      const items = (await client.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
      expect(items).to.have.length(1);
      const record = parseTokenRecord(items[0] as Record<string, unknown>);
      expect(record).to.include({ agentId: "agent-7", principalId: "agent-7" });
      expect(record.scopes).to.deep.equal(["GET /agent/*"]);
    });

    it("answers a bad agent id as a usage error (exit 2) without writing", async () => {
      let stderr = "";
      const code = await runTokenCli(["issue", "--local", "--agent-id", "agent 7"], {
        stdout: () => undefined,
        stderr: (text) => {
          stderr += text;
        },
      });
      expect(code).to.equal(2);
      expect(stderr).to.include("--agent-id");
    });
  });
});
