import { expect } from "chai";
import { createMeApi } from "../../../handlers/me/me-api.js";
import { createLogger } from "../../../handlers/shared/logger.js";

describe("handlers/me/me-api", () => {
  const handle = createMeApi({ logger: createLogger("test", { write: () => undefined }) });

  it("answers with the subject, username and groups passed on by the JWT authorizer", async () => {
    const result = await handle({
      requestContext: { authorizer: { principalId: "sub-1", username: "alice", groups: "admin dev" } },
    });
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({
      subject: "sub-1",
      username: "alice",
      groups: ["admin", "dev"],
    });
  });

  it("answers an empty group list and a null username when the token has none", async () => {
    const result = await handle({ requestContext: { authorizer: { principalId: "sub-1", groups: "" } } });
    expect(JSON.parse(result.body)).to.deep.equal({ subject: "sub-1", username: null, groups: [] });
  });

  it("answers 500 without an authorizer principal", async () => {
    const result = await handle({ requestContext: {} });
    expect(result.statusCode).to.equal(500);
  });
});
