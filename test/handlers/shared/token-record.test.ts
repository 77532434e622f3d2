import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestToken } from "../../../handlers/shared/token.js";
import {
  isExpired,
  parseTokenRecord,
  TOKEN_EXPIRY_ATTRIBUTE,
  TOKEN_KEY_ATTRIBUTE,
} from "../../../handlers/shared/token-record.js";

const item = {
  tokenDigest: digestToken("abc123"),
  principalId: "alice",
  scopes: ["PUT /user", "get /user/{id}"],
  createdAt: "2026-11-20T00:00:00.000Z",
};

describe("handlers/shared/token-record", () => {
  it("names the table's key and TTL attributes", () => {
    expect(TOKEN_KEY_ATTRIBUTE).to.equal("tokenDigest");
    expect(TOKEN_EXPIRY_ATTRIBUTE).to.equal("expiresAt");
  });

  it("parses a minimal record, scopes in canonical form", () => {
    expect(parseTokenRecord(item)).to.deep.equal({ ...item, scopes: ["PUT /user", "GET /user/{id}"] });
  });

  it("keeps the optional attributes and drops unknown ones", () => {
    const record = parseTokenRecord({
      ...item,
      expiresAt: 1_800_000_000,
      context: { tier: "gold", quota: 3, admin: true },
      description: "ci token",
      somethingElse: "ignored",
    });
    expect(record).to.deep.equal({
      ...item,
      scopes: ["PUT /user", "GET /user/{id}"],
      expiresAt: 1_800_000_000,
      context: { tier: "gold", quota: 3, admin: true },
      description: "ci token",
    });
  });

  const corrupt: [string, Record<string, unknown>, RegExp][] = [
    ["a missing digest", { tokenDigest: undefined }, /tokenDigest/],
    ["an upper-case digest", { tokenDigest: digestToken("x").toUpperCase() }, /tokenDigest/],
    ["a raw token as key", { tokenDigest: "abc123" }, /tokenDigest/],
    ["an empty principalId", { principalId: "" }, /principalId/],
    ["a principalId with a space", { principalId: "a b" }, /principalId/],
    ["a 129-character principalId", { principalId: "p".repeat(129) }, /principalId/],
    ["no scopes", { scopes: [] }, /scopes/],
    ["scopes that are not a list", { scopes: "*" }, /scopes/],
    ["a bad scope", { scopes: ["FETCH /x"] }, /invalid scope/],
    ["a string expiresAt", { expiresAt: "1800000000" }, /expiresAt/],
    ["an infinite expiresAt", { expiresAt: Number.POSITIVE_INFINITY }, /expiresAt/],
    ["a missing createdAt", { createdAt: undefined }, /createdAt/],
    ["a numeric description", { description: 5 }, /description/],
    ["an object context value", { context: { nested: { a: 1 } } }, /nested/],
  ];
  for (const [what, change, message] of corrupt) {
    it(`refuses ${what} as a corrupt record`, () => {
      expect(() => parseTokenRecord({ ...item, ...change })).to.throw(ApigwTokenAuthError, message);
    });
  }

  it("says what was wrong without echoing the value", () => {
    expect(() => parseTokenRecord({ ...item, scopes: "secret" }))
      .to.throw(ApigwTokenAuthError)
      .with.property("actual", "string");
    expect(() => parseTokenRecord({ ...item, scopes: [] }))
      .to.throw(ApigwTokenAuthError)
      .with.property("actual", "a list");
    expect(() => parseTokenRecord({ ...item, createdAt: undefined }))
      .to.throw(ApigwTokenAuthError)
      .with.property("actual", "missing");
  });

  it("wraps a nested rule's error, keeping it as the cause", () => {
    try {
      parseTokenRecord({ ...item, scopes: ["FETCH /x"] });
      expect.fail("should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect(error).to.have.property("message", "token record is invalid: invalid scope");
      expect((error as ApigwTokenAuthError).cause).to.have.property("message", "invalid scope");
    }
  });

  describe("isExpired", () => {
    it("never expires a record without expiresAt", () => {
      expect(isExpired({}, Number.MAX_SAFE_INTEGER)).to.equal(false);
    });

    it("expires at expiresAt exactly (exclusive) and after", () => {
      expect(isExpired({ expiresAt: 100 }, 99.999)).to.equal(false);
      expect(isExpired({ expiresAt: 100 }, 100)).to.equal(true);
      expect(isExpired({ expiresAt: 100 }, 101)).to.equal(true);
    });
  });
});
