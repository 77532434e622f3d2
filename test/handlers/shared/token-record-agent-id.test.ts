import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestToken } from "../../../handlers/shared/token.js";
import { PRINCIPAL_ID_PATTERN, parseTokenRecord } from "../../../handlers/shared/token-record.js";

const item = {
  tokenDigest: digestToken("abc123"),
  principalId: "agent-7",
  scopes: ["GET /agent/*"],
  createdAt: "2026-11-20T00:00:00.000Z",
};

describe("handlers/shared/token-record: agentId", () => {
  it("keeps the agent id of an agent token", () => {
    expect(parseTokenRecord({ ...item, agentId: "agent-7" }).agentId).to.equal("agent-7");
  });

  it("leaves agentId out of a record without one", () => {
    expect(parseTokenRecord(item)).to.not.have.property("agentId");
  });

  for (const agentId of ["", "agent 7", 7, "x".repeat(129)]) {
    it(`refuses the agent id ${JSON.stringify(agentId).slice(0, 20)} as a corrupt record`, () => {
      expect(() => parseTokenRecord({ ...item, agentId })).to.throw(ApigwTokenAuthError, /agentId/);
    });
  }

  it("uses the principal id format for agent ids", () => {
    expect(PRINCIPAL_ID_PATTERN.test("agent-7")).to.equal(true);
    expect(PRINCIPAL_ID_PATTERN.test("agent 7")).to.equal(false);
  });
});
