import { expect } from "chai";
import { captureStdout, importEntryPoint } from "../../support/entry-points.js";

type Handler = (event: unknown) => Promise<{ statusCode: number; body: string }>;

describe("handlers/agent/index", () => {
  it("exports the agent API as handler, answering GET /agent/tasks for the authorizer's principal", async () => {
    const { handler } = await importEntryPoint<{ handler: Handler }>("agent");
    const { result } = await captureStdout(() =>
      handler({
        resource: "/agent/tasks",
        httpMethod: "GET",
        requestContext: { requestId: "r1", stage: "v1", authorizer: { principalId: "agent-7" } },
      }),
    );
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({ agentId: "agent-7", tasks: [] });
  });
});
