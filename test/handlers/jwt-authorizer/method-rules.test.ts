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
      { method: "GET /reports/{id}", scopes: ["reports/read"], groups: ["a", "b"] },
    ]);
  });

  for (const [name, json, message] of [
    ["text that is not JSON", "{", "JWT_METHOD_RULES is not JSON"],
    ["an empty object", "{}", "JWT_METHOD_RULES must name at least one method"],
    ["a list", '["GET /me"]', "JWT_METHOD_RULES must name at least one method"],
    ["a key that is not a method", '{"/me": {}}', 'JWT_METHOD_RULES["/me"]: the key is not a method scope'],
    ["an unknown requirement", '{"GET /me": {"role": "x"}}', 'JWT_METHOD_RULES["GET /me"] is invalid'],
    ["an empty scope list", '{"GET /me": {"scope": []}}', 'JWT_METHOD_RULES["GET /me"].scope is invalid'],
    ["a scope with a space", '{"GET /me": {"scope": "a b"}}', 'JWT_METHOD_RULES["GET /me"].scope is invalid'],
    ["a requirement that is not an object", '{"GET /me": true}', 'JWT_METHOD_RULES["GET /me"] is invalid'],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(() => parseMethodRules(json)).to.throw(ApigwTokenAuthError, message);
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
