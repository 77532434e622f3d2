import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { ALL_METHODS_SCOPE, formatScope, parseScope, SCOPE_VERBS } from "../../../handlers/shared/scope.js";

describe("handlers/shared/scope", () => {
  describe("parseScope", () => {
    it("parses * as every verb on every path", () => {
      expect(parseScope(ALL_METHODS_SCOPE)).to.deep.equal({ verb: "*", resourcePath: "*" });
    });

    it("parses a verb and a path, dropping the leading slash", () => {
      expect(parseScope("PUT /user")).to.deep.equal({ verb: "PUT", resourcePath: "user" });
    });

    it("turns {param} segments into *", () => {
      expect(parseScope("GET /user/{id}")).to.deep.equal({ verb: "GET", resourcePath: "user/*" });
      expect(parseScope("GET /a/{x}/b/{y_2}")).to.deep.equal({ verb: "GET", resourcePath: "a/*/b/*" });
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
      expect(formatScope(parseScope("get /user/{id}"))).to.equal("GET /user/*");
      expect(formatScope(parseScope("*"))).to.equal("*");
      expect(formatScope(parseScope("* /user"))).to.equal("* /user");
      expect(formatScope({ verb: "GET", resourcePath: "*" })).to.equal("GET /*");
    });
  });
});
