import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  assertTokenFormat,
  digestPrefix,
  digestToken,
  GENERATED_TOKEN_LENGTH,
  generateToken,
  TOKEN_PATTERN,
} from "../../../handlers/shared/token.js";

describe("handlers/shared/token", () => {
  describe("TOKEN_PATTERN", () => {
    for (const token of ["abc", "A1b2C3", "x".repeat(32)]) {
      it(`accepts ${token.length} letters/digits`, () => expect(TOKEN_PATTERN.test(token)).to.equal(true));
    }
    for (const token of ["ab", "x".repeat(33), "abc-1", "Bearer abc", "abc ", "äbc", ""]) {
      it(`refuses ${JSON.stringify(token).slice(0, 20)}`, () =>
        expect(TOKEN_PATTERN.test(token)).to.equal(false));
    }
  });

  describe("generateToken", () => {
    it("generates tokens of the maximum length that match the pattern", () => {
      const token = generateToken();
      expect(token).to.have.length(GENERATED_TOKEN_LENGTH).and.to.have.length(32);
      expect(TOKEN_PATTERN.test(token)).to.equal(true);
    });

    it("generates a different token every time", () => {
      const tokens = new Set(Array.from({ length: 50 }, generateToken));
      expect(tokens.size).to.equal(50);
    });

    it("uses all 62 characters of the alphabet", () => {
      const seen = new Set(Array.from({ length: 200 }, generateToken).join(""));
      expect(seen.size).to.equal(62);
    });
  });

  describe("assertTokenFormat", () => {
    it("passes a well-formed token", () => {
      expect(() => assertTokenFormat("abc123")).to.not.throw();
    });

    it("refuses a malformed token, giving its length but never the token", () => {
      const secret = "not a valid token!";
      try {
        assertTokenFormat(secret);
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        const { message, expected, actual } = error as ApigwTokenAuthError;
        expect(actual).to.equal(`a string of ${secret.length} characters`);
        expect(expected).to.equal("3 to 32 letters and digits");
        expect(`${message}${expected}${actual}`).to.not.include(secret);
      }
    });

    for (const value of [undefined, null, 42, {}]) {
      it(`refuses a ${value === null ? "null" : typeof value}`, () => {
        expect(() => assertTokenFormat(value))
          .to.throw(ApigwTokenAuthError)
          .with.property("actual", value === null ? "object" : typeof value);
      });
    }
  });

  describe("digestToken and digestPrefix", () => {
    it("is the SHA-256 hex digest (FIPS 180-2 test vector)", () => {
      expect(digestToken("abc")).to.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    });

    it("gives different digests for different tokens", () => {
      expect(digestToken("abc")).to.not.equal(digestToken("abd"));
    });

    it("prefixes to 12 hex characters", () => {
      expect(digestPrefix(digestToken("abc"))).to.equal("ba7816bf8f01");
    });
  });
});
