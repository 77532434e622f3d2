import { expect } from "chai";
import { importEntryPoint } from "../../support/entry-points.js";

describe("handlers/authorizer/index", () => {
  const saved = process.env.TOKEN_TABLE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.TOKEN_TABLE_NAME;
    else process.env.TOKEN_TABLE_NAME = saved;
  });

  it("exports the authorizer as handler when TOKEN_TABLE_NAME is set", async () => {
    process.env.TOKEN_TABLE_NAME = "stack-auth-token";
    const { handler } = await importEntryPoint("authorizer");
    expect(handler).to.be.a("function");
  });

  it("fails at start-up, naming the variable, when TOKEN_TABLE_NAME is missing", async () => {
    delete process.env.TOKEN_TABLE_NAME;
    try {
      await importEntryPoint("authorizer");
      expect.fail("should have thrown");
    } catch (error) {
      // The re-imported module graph has its own copy of the class, so compare by name.
      expect(error).to.have.property("name", "ApigwTokenAuthError");
      expect((error as Error).message).to.include("TOKEN_TABLE_NAME");
    }
  });
});
