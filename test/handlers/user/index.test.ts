import { expect } from "chai";
import { importEntryPoint } from "../../support/entry-points.js";

describe("handlers/user/index", () => {
  const saved = process.env.USER_TABLE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.USER_TABLE_NAME;
    else process.env.USER_TABLE_NAME = saved;
  });

  it("exports the user function as handler when USER_TABLE_NAME is set", async () => {
    process.env.USER_TABLE_NAME = "stack-users";
    const { handler } = await importEntryPoint("user");
    expect(handler).to.be.a("function");
  });

  it("fails at start-up, naming the variable, when USER_TABLE_NAME is missing", async () => {
    delete process.env.USER_TABLE_NAME;
    try {
      await importEntryPoint("user");
      expect.fail("should have thrown");
    } catch (error) {
      // The re-imported module graph has its own copy of the class, so compare by name.
      expect(error).to.have.property("name", "ApigwTokenAuthError");
      expect((error as Error).message).to.include("USER_TABLE_NAME");
    }
  });
});
