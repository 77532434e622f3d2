import { expect } from "chai";
import { grantedMethods, parseMethodRules } from "../../../handlers/jwt-authorizer/method-rules.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";

describe("handlers/jwt-authorizer/method-rules", () => {
  it("parses keys to canonical method scopes and requirements to lists", () => {
    expect(
      parseMethodRules(
        '{"get /me": {}, "GET /reports/{id}": {"scope": "reports/read", "group": ["a", "b"]}}',
      ),
    ).to.deep.equal([
      { method: "GET /me", scopes: [], groups: [] },
      { method: "GET /reports/*", scopes: ["reports/read"], groups: ["a", "b"] },
    ]);
  });

  for (const [name, json] of [
    ["text that is not JSON", "{"],
    ["an empty object", "{}"],
    ["a list", '["GET /me"]'],
    ["a key that is not a method", '{"/me": {}}'],
    ["an unknown requirement", '{"GET /me": {"role": "x"}}'],
    ["an empty scope list", '{"GET /me": {"scope": []}}'],
    ["a scope with a space", '{"GET /me": {"scope": "a b"}}'],
    ["a requirement that is not an object", '{"GET /me": true}'],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(() => parseMethodRules(json)).to.throw(ApigwTokenAuthError);
    });
  }

  it("grants methods whose scope and group requirements (any of each) the token meets", () => {
    const rules = parseMethodRules(
      JSON.stringify({
        "GET /me": {},
        "GET /reports/*": { scope: ["reports/read", "reports/all"] },
        "DELETE /user/*": { group: "admin" },
        "PUT /user": { scope: "users/write", group: "admin" },
      }),
    );
    expect(grantedMethods(rules, { scopes: [], groups: [] })).to.deep.equal(["GET /me"]);
    expect(grantedMethods(rules, { scopes: ["reports/all"], groups: ["admin"] })).to.deep.equal([
      "GET /me",
      "GET /reports/*",
      "DELETE /user/*",
    ]);
    expect(grantedMethods(rules, { scopes: ["users/write"], groups: ["admin"] })).to.include("PUT /user");
  });
});
