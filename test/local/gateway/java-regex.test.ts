/**
 * Java regex semantics on JavaScript: whole matches, Java-only syntax refused, replacements.
 */
import { expect } from "chai";
import { compileJava, compileWholeMatch, javaReplacement } from "../../../local/gateway/java-regex.js";

describe("local gateway: Java regex", () => {
  it("matches the whole string, as Pattern.matches does", () => {
    const re = compileWholeMatch("NotFound: .*") as RegExp;
    expect(re.test("NotFound: user 1")).to.equal(true);
    expect(re.test("Error NotFound: user 1")).to.equal(false);
    expect((compileWholeMatch("a|b") as RegExp).test("ab")).to.equal(false);
    expect((compileWholeMatch("^(?!BadRequest: ).+") as RegExp).test("boom")).to.equal(true);
  });

  it("refuses Java-only syntax and invalid patterns with a reason", () => {
    for (const pattern of ["(?s).*", "a++", "\\Aabc\\Z", "\\Qa.b\\E"]) {
      expect(compileWholeMatch(pattern), pattern).to.be.a("string").that.contains("Java-only");
    }
    expect(compileJava("(", "")).to.be.a("string").that.contains("not a valid");
  });

  it("turns Java replacement strings into JavaScript ones", () => {
    expect("a-b".replace(compileJava("(\\w)-(\\w)", "") as RegExp, javaReplacement("$2-$1"))).to.equal("b-a");
    expect("cost".replace(/cost/, javaReplacement("\\$5"))).to.equal("$5");
  });
});
