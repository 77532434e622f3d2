import { expect } from "chai";
import { ApigwTokenAuthError, UnauthorizedError } from "../../../handlers/shared/errors.js";

describe("handlers/shared/errors", () => {
  it("carries expected, actual and cause", () => {
    const cause = new Error("boom");
    const error = new ApigwTokenAuthError("bad", { expected: "x", actual: "y", cause });
    expect(error.message).to.equal("bad");
    expect(error.expected).to.equal("x");
    expect(error.actual).to.equal("y");
    expect(error.cause).to.equal(cause);
    expect(error).to.be.instanceOf(Error);
  });

  it("leaves cause, expected and actual unset when not given", () => {
    const error = new ApigwTokenAuthError("bad");
    expect(error.expected).to.equal(undefined);
    expect(error.actual).to.equal(undefined);
    expect(error).to.not.have.property("cause");
  });

  it("names each error after its class (Lambda reports the name as errorType)", () => {
    expect(new ApigwTokenAuthError("m").name).to.equal("ApigwTokenAuthError");
    expect(new UnauthorizedError("m").name).to.equal("UnauthorizedError");
  });

  it("UnauthorizedError's message is exactly Unauthorized (API Gateway's 401 signal); the reason is kept apart", () => {
    const error = new UnauthorizedError("token not found");
    expect(error.message).to.equal("Unauthorized");
    expect(error.reason).to.equal("token not found");
    expect(error.name).to.equal("UnauthorizedError");
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
  });
});
