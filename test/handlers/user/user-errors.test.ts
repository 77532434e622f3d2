import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  BAD_REQUEST_PREFIX,
  BadRequestError,
  NOT_FOUND_PREFIX,
  UserNotFoundError,
} from "../../../handlers/user/user-errors.js";

describe("handlers/user/user-errors", () => {
  it("prefixes a bad request's message with the prefix the template maps to 400, keeping the reason", () => {
    const error = new BadRequestError("name is required", { expected: "a string", actual: "missing" });
    expect(error.message).to.equal("BadRequest: name is required");
    expect(error.message.startsWith(BAD_REQUEST_PREFIX)).to.equal(true);
    expect(error.reason).to.equal("name is required");
    expect(error).to.include({ expected: "a string", actual: "missing", name: "BadRequestError" });
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
  });

  it("prefixes a missing user's message with the prefix the template maps to 404", () => {
    const error = new UserNotFoundError("bob");
    expect(error.message).to.equal("NotFound: user bob does not exist");
    expect(error.message.startsWith(NOT_FOUND_PREFIX)).to.equal(true);
    expect(error.name).to.equal("UserNotFoundError");
  });
});
