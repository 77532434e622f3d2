import { expect } from "chai";
import { requireEnv } from "../../../handlers/shared/environment.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";

describe("handlers/shared/environment", () => {
  it("returns a set variable", () => {
    expect(requireEnv("TABLE", { TABLE: "t1" })).to.equal("t1");
  });

  it("throws naming an unset variable", () => {
    expect(() => requireEnv("TABLE", {})).to.throw(
      ApigwTokenAuthError,
      "environment variable TABLE is not set",
    );
  });

  it("treats an empty variable as unset", () => {
    expect(() => requireEnv("TABLE", { TABLE: "" })).to.throw(
      ApigwTokenAuthError,
      "environment variable TABLE is not set",
    );
  });

  it("reads process.env by default", () => {
    process.env.ENVIRONMENT_TEST_VARIABLE = "yes";
    try {
      expect(requireEnv("ENVIRONMENT_TEST_VARIABLE")).to.equal("yes");
    } finally {
      delete process.env.ENVIRONMENT_TEST_VARIABLE;
    }
  });
});
