import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTokenRecord } from "../../../handlers/shared/token-record.js";
import { agentTokenDefaults, assertAgentScopes } from "../../../scripts/tokens/agent-token.js";
import { parseTokenCommand } from "../../../scripts/tokens/cli-args.js";
import { tokenCliHarness } from "./support/token-cli-harness.js";
import { useTokenTables } from "./support/token-tables.js";

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
      expect(() => agentTokenDefaults(agentId)).to.throw(ApigwTokenAuthError);
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

  it("refuses agent-token scopes outside the agent routes", () => {
    for (const scope of ["GET /user/*", "*", "GET /agents", "PUT /agent-x"]) {
      expect(() => parseTokenCommand(["issue", "--local", "--agent-id", "a1", "--scope", scope])).to.throw(
        ApigwTokenAuthError,
        "an agent token's scopes must stay inside the agent routes",
      );
    }
    expect(() => assertAgentScopes(["GET /agent", "GET /agent/{id}", "* /agent/tasks"])).to.not.throw();
  });

  describe("issue --agent-id through the CLI", () => {
    const tokens = useTokenTables("agent");

    it("stores an agent token record the authorizer reads, and prints only the token", async () => {
      const { code, stdout } = await tokenCliHarness(tokens).cli([
        "issue",
        "--local",
        "--agent-id",
        "agent-7",
      ]);
      expect(code).to.equal(0);
      expect(stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
      const items = (await tokens.client.send(new ScanCommand({ TableName: tokens.table }))).Items ?? [];
      expect(items).to.have.length(1);
      const record = parseTokenRecord(items[0] as Record<string, unknown>);
      expect(record).to.include({ agentId: "agent-7", principalId: "agent-7" });
      expect(record.scopes).to.deep.equal(["GET /agent/*"]);
    });

    it("answers a bad agent id as a usage error (exit 2) without writing", async () => {
      const { code, stderr } = await tokenCliHarness(tokens).cli([
        "issue",
        "--local",
        "--agent-id",
        "agent 7",
      ]);
      expect(code).to.equal(2);
      expect(stderr).to.include("--agent-id");
    });
  });
});
