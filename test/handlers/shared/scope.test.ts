import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  ALL_METHODS_SCOPE,
  formatScope,
  hasSegmentParameter,
  parseScope,
  SCOPE_VERBS,
  scopeGrants,
  scopeResourcePattern,
} from "../../../handlers/shared/scope.js";

describe("handlers/shared/scope", () => {
  describe("parseScope", () => {
    it("parses * as every verb on every path", () => {
      expect(parseScope(ALL_METHODS_SCOPE)).to.deep.equal({ verb: "*", resourcePath: "*" });
    });

    it("parses a verb and a path, dropping the leading slash", () => {
      expect(parseScope("PUT /user")).to.deep.equal({ verb: "PUT", resourcePath: "user" });
    });

    it("keeps {param} segments: one path segment, not IAM's *", () => {
      expect(parseScope("GET /user/{id}")).to.deep.equal({ verb: "GET", resourcePath: "user/{id}" });
      expect(parseScope("GET /a/{x}/b/{y_2}")).to.deep.equal({ verb: "GET", resourcePath: "a/{x}/b/{y_2}" });
      expect(scopeResourcePattern(parseScope("GET /a/{x}/b/{y_2}"))).to.equal("a/*/b/*");
      expect(hasSegmentParameter(parseScope("GET /a/{x}"))).to.equal(true);
      expect(hasSegmentParameter(parseScope("GET /a/*"))).to.equal(false);
    });

    it("grants one segment for {param} and any run for * (IAM) or {param+}; the IAM reading spans /", () => {
      const param = parseScope("GET /user/{id}");
      expect(scopeGrants(param, "GET", "user/42")).to.equal(true);
      expect(scopeGrants(param, "GET", "user/")).to.equal(false);
      expect(scopeGrants(param, "GET", "user/42/tokens")).to.equal(false);
      expect(scopeGrants(param, "GET", "user/42/tokens", { iam: true })).to.equal(true);
      expect(scopeGrants(param, "PUT", "user/42")).to.equal(false);
      const star = parseScope("* /user/*");
      expect(scopeGrants(star, "DELETE", "user/42/tokens")).to.equal(true);
      expect(scopeGrants(parseScope("GET /files/{path+}"), "GET", "files/a/b")).to.equal(true);
      expect(scopeGrants(parseScope("GET /a.b"), "GET", "aXb")).to.equal(false);
    });

    it("turns a greedy {proxy+} segment into *", () => {
      expect(parseScope("* /{proxy+}")).to.deep.equal({ verb: "*", resourcePath: "*" });
      expect(parseScope("GET /files/{path+}")).to.deep.equal({ verb: "GET", resourcePath: "files/*" });
    });

    it("upper-cases the verb and trims surrounding spaces", () => {
      expect(parseScope("  get   /user/*  ")).to.deep.equal({ verb: "GET", resourcePath: "user/*" });
    });

    it("accepts * as verb and the root path", () => {
      expect(parseScope("* /user")).to.deep.equal({ verb: "*", resourcePath: "user" });
      expect(parseScope("GET /")).to.deep.equal({ verb: "GET", resourcePath: "" });
    });

    it("accepts every listed verb", () => {
      for (const verb of SCOPE_VERBS) expect(parseScope(`${verb} /x`).verb).to.equal(verb);
    });

    for (const scope of [
      "",
      "GET",
      "FETCH /user",
      "GET user",
      "GET /us er",
      "GET /user?x=1",
      "/user",
      " * ",
    ]) {
      it(`refuses ${JSON.stringify(scope)}`, () => {
        expect(() => parseScope(scope))
          .to.throw(ApigwTokenAuthError)
          .with.property("actual", JSON.stringify(scope));
      });
    }

    it("refuses a non-string, naming its type", () => {
      expect(() => parseScope(7))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", "number");
    });
  });

  describe("formatScope", () => {
    it("canonicalises scopes", () => {
      expect(formatScope(parseScope("get /user/{id}"))).to.equal("GET /user/{id}");
      expect(formatScope(parseScope("get /user/{path+}"))).to.equal("GET /user/*");
      expect(formatScope(parseScope("*"))).to.equal("*");
      expect(formatScope(parseScope("* /user"))).to.equal("* /user");
      expect(formatScope({ verb: "GET", resourcePath: "*" })).to.equal("GET /*");
    });
  });
});
