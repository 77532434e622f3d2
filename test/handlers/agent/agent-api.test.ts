import { expect } from "chai";
import { createAgentApi } from "../../../handlers/agent/agent-api.js";
import { createLogger } from "../../../handlers/shared/logger.js";

describe("handlers/agent/agent-api", () => {
  const logLines: string[] = [];
  const handle = createAgentApi({ logger: createLogger("test", { write: (line) => logLines.push(line) }) });
  const requestContext = {
    requestId: "req-1",
    stage: "v1",
    authorizer: { principalId: "agent-7", tier: "gold", integrationLatency: 3 },
  };

  it("answers GET /agent/tasks with the agent id", async () => {
    const result = await handle({ resource: "/agent/tasks", httpMethod: "GET", requestContext });
    expect(result.statusCode).to.equal(200);
    expect(result.headers["Content-Type"]).to.equal("application/json");
    expect(JSON.parse(result.body)).to.deep.equal({ agentId: "agent-7", tasks: [] });
  });

  it("answers GET /agent/metadata with the principal and the authorizer's own context only", async () => {
    const result = await handle({ resource: "/agent/metadata", httpMethod: "GET", requestContext });
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({
      agentId: "agent-7",
      requestId: "req-1",
      stage: "v1",
      context: { tier: "gold" },
    });
  });

  it("answers 404 for a route it does not serve", async () => {
    const result = await handle({ resource: "/agent/tasks", httpMethod: "POST", requestContext });
    expect(result.statusCode).to.equal(404);
  });

  it("answers 500, not an anonymous 200, when no authorizer principal arrives", async () => {
    for (const authorizer of [null, {}, { principalId: "" }]) {
      const result = await handle({
        resource: "/agent/tasks",
        httpMethod: "GET",
        requestContext: { authorizer },
      });
      expect(result.statusCode).to.equal(500);
      expect(JSON.parse(result.body)).to.deep.equal({ message: "Internal server error" });
    }
  });
});
