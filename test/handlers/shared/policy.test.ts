import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { buildAllowPolicy, INVOKE_ACTION } from "../../../handlers/shared/policy.js";
import { evaluatePolicy } from "../../../lib/iam/authorizer-policy.js";

const api = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1";
const getUser = `${api}/GET/user/42`;
const putUser = `${api}/PUT/user`;

describe("handlers/shared/policy", () => {
  describe("buildAllowPolicy", () => {
    it("allows every scope on the incoming ARN's region, account, API and stage, sorted and de-duplicated", () => {
      expect(buildAllowPolicy(getUser, ["PUT /user", "GET /user/{id}", "GET /user/*"])).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: INVOKE_ACTION, Resource: [`${api}/GET/user/*`, `${api}/PUT/user`] },
        ],
      });
    });

    it("covers the next method too, so a cached policy does not answer the second endpoint 403", () => {
      const policy = buildAllowPolicy(getUser, ["PUT /user", "GET /user/*"]);
      expect(evaluatePolicy(policy, putUser)).to.equal("Allow");
      expect(evaluatePolicy(policy, `${api}/GET/user/7`)).to.equal("Allow");
      expect(evaluatePolicy(policy, `${api}/DELETE/user/7`)).to.equal("ImplicitDeny");
    });

    it("turns * into every method of the API stage, and only that stage", () => {
      const policy = buildAllowPolicy(putUser, ["*"]);
      expect(policy.Statement[0]?.Resource).to.deep.equal([`${api}/*/*`]);
      expect(evaluatePolicy(policy, `${api}/DELETE/a/b`)).to.equal("Allow");
      expect(evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:abc/v2/GET/user")).to.equal(
        "ImplicitDeny",
      );
      expect(evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:xyz/v1/GET/user")).to.equal(
        "ImplicitDeny",
      );
    });

    it("spells a * verb out per verb, so its path cannot stretch across / to other paths", () => {
      const policy = buildAllowPolicy(putUser, ["* /user"]);
      expect(policy.Statement[0]?.Resource).to.include(`${api}/DELETE/user`).and.not.include(`${api}/*/user`);
      expect(evaluatePolicy(policy, `${api}/PATCH/user`)).to.equal("Allow");
      expect(evaluatePolicy(policy, `${api}/GET/admin/user`)).to.equal("ImplicitDeny");
    });

    it("fails closed without scopes", () => {
      expect(() => buildAllowPolicy(getUser, [])).to.throw(
        ApigwTokenAuthError,
        "a policy needs at least one scope",
      );
    });

    it("fails closed on a bad scope", () => {
      expect(() => buildAllowPolicy(getUser, ["GET /user", "FETCH /x"]))
        .to.throw(ApigwTokenAuthError, "invalid scope")
        .with.property("actual", '"FETCH /x"');
    });

    it("denies a deeper route that starts with a parameter, where a request's value can equal the scope's segment", () => {
      // Found by the property test: PUT /b/{x} reached PUT /{a}/{b}/tokens as PUT /b/0/tokens.
      const routes = [
        { verb: "PUT", path: "b/{x}" },
        { verb: "PUT", path: "{a}/{b}/tokens" },
      ];
      const policy = buildAllowPolicy(getUser, ["PUT /b/{x}"], routes);
      expect(evaluatePolicy(policy, `${api}/PUT/b/0`)).to.equal("Allow");
      expect(evaluatePolicy(policy, `${api}/PUT/b/0/tokens`)).to.equal("ExplicitDeny");
    });

    it("fails on a bad method ARN", () => {
      expect(() => buildAllowPolicy("arn:aws:s3:::bucket", ["*"]))
        .to.throw(ApigwTokenAuthError, "not a method ARN")
        .with.property("actual", "arn:aws:s3:::bucket");
    });
  });
});
