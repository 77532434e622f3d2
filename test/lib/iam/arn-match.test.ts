import { expect } from "chai";
import { arnMatches, globMatches } from "../../../lib/iam/arn-match.js";

const base = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1";

describe("lib/iam/arn-match", () => {
  describe("globMatches", () => {
    const cases: [string, string, boolean][] = [
      ["user/*", "user/42", true],
      ["user/*", "user/", true],
      ["user/*", "user", false],
      ["*", "", true],
      ["", "", true],
      ["", "a", false],
      ["user/??", "user/42", true],
      ["user/??", "user/4", false],
      ["a*b*c", "aXXbYYc", true],
      ["a*b*c", "aXXbYY", false],
      ["*a*a*a*b", `${"a".repeat(5000)}`, false],
      ["exact", "exact", true],
      ["exact", "exacT", false],
      ["**", "anything", true],
    ];
    for (const [pattern, text, expected] of cases) {
      it(`${JSON.stringify(pattern)} ${expected ? "matches" : "does not match"} ${JSON.stringify(text.slice(0, 20))}`, () => {
        expect(globMatches(pattern, text)).to.equal(expected);
      });
    }
  });

  describe("arnMatches", () => {
    it('"*" matches everything', () => {
      expect(arnMatches("*", `${base}/GET/user`)).to.equal(true);
    });

    it("matches an exact ARN and nothing else", () => {
      expect(arnMatches(`${base}/PUT/user`, `${base}/PUT/user`)).to.equal(true);
      expect(arnMatches(`${base}/PUT/user`, `${base}/GET/user`)).to.equal(false);
      expect(arnMatches(`${base}/PUT/user`, `${base}/PUT/user/1`)).to.equal(false);
    });

    it("lets * in the resource span slashes", () => {
      expect(arnMatches(`${base}/GET/user/*`, `${base}/GET/user/42`)).to.equal(true);
      expect(arnMatches(`${base}/*`, `${base}/DELETE/a/b/c`)).to.equal(true);
    });

    it("matches wildcard region and account segments, but a segment's * does not cross colons", () => {
      expect(arnMatches("arn:aws:execute-api:*:*:abc/v1/GET/user/*", `${base}/GET/user/1`)).to.equal(true);
      expect(arnMatches("arn:aws:execute-api:eu-*:1*:abc/*", `${base}/GET/user/1`)).to.equal(true);
      expect(arnMatches("arn:aws:execute-api:us-*:*:abc/*", `${base}/GET/user/1`)).to.equal(false);
    });

    it("lets a short pattern's trailing * swallow the remaining segments", () => {
      expect(arnMatches("arn:aws:execute-api:*", `${base}/GET/user`)).to.equal(true);
      expect(arnMatches("arn:aws:*", `${base}/GET/user`)).to.equal(true);
    });

    it("refuses a short pattern without a trailing *", () => {
      expect(arnMatches("arn:aws:execute-api", `${base}/GET/user`)).to.equal(false);
    });

    it("refuses an ARN with fewer segments than the pattern", () => {
      expect(arnMatches(`${base}/GET/user`, "arn:aws:execute-api")).to.equal(false);
    });

    it("refuses another service, partition or API", () => {
      expect(arnMatches("arn:aws:lambda:*:*:*", `${base}/GET/user`)).to.equal(false);
      expect(arnMatches("arn:aws-cn:execute-api:*:*:*", `${base}/GET/user`)).to.equal(false);
      expect(arnMatches("arn:aws:execute-api:*:*:xyz/*", `${base}/GET/user`)).to.equal(false);
    });

    it("keeps colons inside the resource part", () => {
      expect(arnMatches(`${base}/GET/a:b`, `${base}/GET/a:b`)).to.equal(true);
      expect(arnMatches(`${base}/GET/a:*`, `${base}/GET/a:b:c`)).to.equal(true);
    });
  });
});
