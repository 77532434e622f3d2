import { expect } from "chai";
import { BadRequestError } from "../../../handlers/user/user-errors.js";
import {
  parseUserId,
  parseUserInput,
  parseUserName,
  USER_ID_MAX_LENGTH,
  USER_NAME_MAX_LENGTH,
} from "../../../handlers/user/user-input.js";

describe("handlers/user/user-input", () => {
  describe("parseUserId", () => {
    for (const id of ["a", "alice", "A-b_9", "x".repeat(USER_ID_MAX_LENGTH)]) {
      it(`accepts ${JSON.stringify(id).slice(0, 20)}`, () => expect(parseUserId(id)).to.equal(id));
    }
    for (const id of ["", "x".repeat(USER_ID_MAX_LENGTH + 1), "a/b", "a b", "a.b", "ä", "a\n", "'"]) {
      it(`refuses ${JSON.stringify(id).slice(0, 20)}`, () => {
        expect(() => parseUserId(id))
          .to.throw(BadRequestError, "BadRequest: id must be a string of 1 to 64 letters, digits, _ and -")
          .with.property("actual", `a string of ${[...id].length} characters`);
      });
    }
    it("refuses a missing id", () => {
      expect(() => parseUserId(undefined)).to.throw(BadRequestError, "BadRequest: id is required");
    });
    for (const value of [7, null, ["a"], { id: "a" }]) {
      it(`refuses ${JSON.stringify(value)}`, () => {
        expect(() => parseUserId(value)).to.throw(BadRequestError, "BadRequest: id must be a string");
      });
    }
  });

  describe("parseUserName", () => {
    // Combining marks, right-to-left scripts and emoji with joiners' neighbours stay welcome.
    for (const name of [
      "A",
      "Alice Liddell",
      "Zoë 🦄 Ñandú",
      "x".repeat(USER_NAME_MAX_LENGTH),
      "e\u0301",
      "שלום",
      "\u{1F468}\u{1F3FD}",
    ]) {
      it(`accepts ${JSON.stringify(name).slice(0, 20)}`, () => expect(parseUserName(name)).to.equal(name));
    }

    it("counts code points, as JSON Schema does: 128 emoji fit, 129 do not", () => {
      expect(parseUserName("🦄".repeat(128))).to.have.length(256);
      expect(() => parseUserName("🦄".repeat(129))).to.throw(BadRequestError, /name must be/);
    });

    for (const name of [
      "",
      "x".repeat(USER_NAME_MAX_LENGTH + 1),
      "a\nb",
      "tab\t",
      "nul\u0000",
      "del\u007f",
      "next line\u0085",
      "c1\u009b",
      "right-to-left\u202Eoverride",
      "zero\u200Bwidth",
      "bom\uFEFF",
      "line\u2028separator",
      "paragraph\u2029separator",
      "lone high \uD800",
      "lone low \uDC00",
    ]) {
      it(`refuses ${JSON.stringify(name).slice(0, 20)}`, () => {
        expect(() => parseUserName(name)).to.throw(
          BadRequestError,
          "BadRequest: name must be a string of 1 to 128 characters other than control, format, line/paragraph separator and lone surrogate characters",
        );
      });
    }
  });

  describe("parseUserInput", () => {
    it("returns exactly id and name", () => {
      expect(parseUserInput({ id: "bob", name: "Bob" })).to.deep.equal({ id: "bob", name: "Bob" });
    });

    for (const body of [null, "x", 1, [{ id: "a", name: "b" }]]) {
      it(`refuses the body ${JSON.stringify(body)}`, () => {
        expect(() => parseUserInput(body)).to.throw(
          BadRequestError,
          "BadRequest: the body must be a JSON object",
        );
      });
    }

    it("refuses other properties (additionalProperties: false), counting without naming them", () => {
      expect(() => parseUserInput({ id: "a", name: "b", admin: true }))
        .to.throw(BadRequestError, "BadRequest: the body may only have the properties id and name")
        .with.property("actual", "1 other property");
      expect(() => parseUserInput({ id: "a", name: "b", x: 1, y: 2 }))
        .to.throw(BadRequestError)
        .with.property("actual", "2 other properties");
    });

    it("refuses a missing name", () => {
      expect(() => parseUserInput({ id: "a" })).to.throw(BadRequestError, "BadRequest: name is required");
    });

    it("checks the id first", () => {
      expect(() => parseUserInput({})).to.throw(BadRequestError, "BadRequest: id is required");
    });
  });
});
