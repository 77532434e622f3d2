import { expect } from "chai";
import { captureStdout, importEntryPoint } from "../../support/entry-points.js";

type Handler = (event: unknown) => Promise<{ statusCode: number; body: string }>;

describe("handlers/me/index", () => {
  it("exports the GET /me API as handler, answering with the JWT authorizer's principal", async () => {
    const { handler } = await importEntryPoint<{ handler: Handler }>("me");
    const { result } = await captureStdout(() =>
      handler({
        requestContext: { authorizer: { principalId: "sub-1", username: "alice", groups: "admin" } },
      }),
    );
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({ subject: "sub-1", username: "alice", groups: ["admin"] });
  });
});
