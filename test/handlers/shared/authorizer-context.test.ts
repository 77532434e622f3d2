import { expect } from "chai";
import {
  isAuthorizerContextValue,
  parseAuthorizerContext,
  RESERVED_CONTEXT_KEYS,
  stringifyAuthorizerContext,
} from "../../../handlers/shared/authorizer-context.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";

describe("handlers/shared/authorizer-context", () => {
  describe("isAuthorizerContextValue", () => {
    for (const value of ["", "x", 0, -1.5, true, false]) {
      it(`accepts ${JSON.stringify(value)}`, () => expect(isAuthorizerContextValue(value)).to.equal(true));
    }
    for (const value of [null, undefined, {}, [], Number.NaN, Number.POSITIVE_INFINITY, 1n]) {
      it(`refuses ${String(value)}`, () => expect(isAuthorizerContextValue(value)).to.equal(false));
    }
  });

  describe("parseAuthorizerContext", () => {
    it("returns {} for a missing context", () => {
      expect(parseAuthorizerContext(undefined)).to.deep.equal({});
      expect(parseAuthorizerContext(null)).to.deep.equal({});
    });

    it("returns a valid context unchanged", () => {
      const context = { tier: "gold", quota: 10, admin: false, _x9: "" };
      expect(parseAuthorizerContext(context)).to.equal(context);
    });

    it("refuses a non-object context", () => {
      expect(() => parseAuthorizerContext("x"))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", "string");
      expect(() => parseAuthorizerContext([1]))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", "an array");
    });

    for (const key of RESERVED_CONTEXT_KEYS) {
      it(`refuses the reserved key ${key}`, () => {
        expect(() => parseAuthorizerContext({ [key]: "x" })).to.throw(
          ApigwTokenAuthError,
          /invalid authorizer context key/,
        );
      });
    }

    for (const key of ["", "9lives", "a-b", "a b", "x".repeat(65)]) {
      it(`refuses the key ${JSON.stringify(key).slice(0, 20)}`, () => {
        expect(() => parseAuthorizerContext({ [key]: "x" }))
          .to.throw(ApigwTokenAuthError, "invalid authorizer context key")
          .with.property("actual", JSON.stringify(key));
      });
    }

    it("accepts a 64-character key", () => {
      expect(() => parseAuthorizerContext({ ["x".repeat(64)]: 1 })).to.not.throw();
    });

    const badValues: [string, unknown, string][] = [
      ["an object", { a: 1 }, "object"],
      ["an array", ["a"], "an array"],
      ["null", null, "null"],
      ["NaN", Number.NaN, "number"],
    ];
    for (const [what, value, actual] of badValues) {
      it(`refuses ${what} as a value (API Gateway would answer 500)`, () => {
        expect(() => parseAuthorizerContext({ roles: value }))
          .to.throw(ApigwTokenAuthError, /"roles"/)
          .with.property("actual", actual);
      });
    }
  });

  describe("stringifyAuthorizerContext", () => {
    it("turns every value into a string, as the backend sees it", () => {
      expect(stringifyAuthorizerContext({ s: "a", n: 10, b: false })).to.deep.equal({
        s: "a",
        n: "10",
        b: "false",
      });
    });
  });
});
