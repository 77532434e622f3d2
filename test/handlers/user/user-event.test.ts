import { expect } from "chai";
import { BadRequestError } from "../../../handlers/user/user-errors.js";
import { parseUserEvent, USER_OPERATIONS } from "../../../handlers/user/user-event.js";

const put = {
  operation: "putUser",
  principalId: "alice",
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  user: { id: "bob", name: "Bob" },
};
const get = { operation: "getUser", principalId: "alice", requestId: "r-2", id: "bob" };
const del = { operation: "deleteUser", principalId: "alice", requestId: "r-3", id: "bob" };

describe("handlers/user/user-event", () => {
  it("parses the putUser event the PUT /user mapping template builds", () => {
    expect(parseUserEvent(put)).to.deep.equal(put);
  });

  it("parses the getUser event the GET /user/{id} mapping template builds", () => {
    expect(parseUserEvent(get)).to.deep.equal(get);
  });

  it("parses the deleteUser event the DELETE /user/{id} mapping template builds", () => {
    expect(parseUserEvent(del)).to.deep.equal(del);
  });

  it("accepts a direct invocation without requestId, and drops unknown keys", () => {
    expect(parseUserEvent({ operation: "getUser", principalId: "alice", id: "bob", extra: 1 })).to.deep.equal(
      {
        operation: "getUser",
        principalId: "alice",
        id: "bob",
      },
    );
  });

  const bad: [string, unknown, string][] = [
    ["null", null, "BadRequest: the event must be an object"],
    ["a string", "putUser", "BadRequest: the event must be an object"],
    ["an array", [put], "BadRequest: the event must be an object"],
    [
      "no principalId",
      { ...put, principalId: undefined },
      "BadRequest: principalId is missing: the function must be called through the authorizer",
    ],
    ["an empty principalId", { ...put, principalId: "" }, "BadRequest: principalId is missing"],
    ["a numeric principalId", { ...put, principalId: 1 }, "BadRequest: principalId is missing"],
    ["a numeric requestId", { ...put, requestId: 1 }, "BadRequest: requestId must be a string"],
    ["an unknown operation", { ...put, operation: "frobnicateUser" }, "BadRequest: unknown operation"],
    ["no operation", { ...put, operation: undefined }, "BadRequest: unknown operation"],
    ["a put without user", { ...put, user: undefined }, "BadRequest: the body must be a JSON object"],
    ["a put with a bad user", { ...put, user: { id: "bob" } }, "BadRequest: name is required"],
    ["a get without id", { ...get, id: undefined }, "BadRequest: id is required"],
    ["a get with a bad id", { ...get, id: "../etc" }, "BadRequest: id must be"],
    ["a delete without id", { ...del, id: undefined }, "BadRequest: id is required"],
    ["a delete with a bad id", { ...del, id: "a".repeat(65) }, "BadRequest: id must be"],
  ];
  for (const [what, event, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => parseUserEvent(event)).to.throw(BadRequestError, message);
    });
  }

  it("names every operation in the refusal of an unknown one", () => {
    expect(() => parseUserEvent({ ...put, operation: "frobnicateUser" }))
      .to.throw(BadRequestError)
      .with.property("expected", USER_OPERATIONS.join(", "));
  });

  it("names the unknown operation's type or truncated value, not more", () => {
    expect(() => parseUserEvent({ ...put, operation: "x".repeat(100) }))
      .to.throw(BadRequestError)
      .with.property("actual", JSON.stringify("x".repeat(40)));
    expect(() => parseUserEvent({ ...put, operation: 3 }))
      .to.throw(BadRequestError)
      .with.property("actual", "number");
  });
});
