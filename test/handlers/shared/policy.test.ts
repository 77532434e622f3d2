import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { buildAllowPolicy, evaluatePolicy, INVOKE_ACTION } from "../../../handlers/shared/policy.js";

const api = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1";
const getUser = `${api}/GET/user/42`;
const putUser = `${api}/PUT/user`;

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/apigw/${name}`, import.meta.url), "utf8"));
}

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

    it("fails on a bad method ARN", () => {
      expect(() => buildAllowPolicy("arn:aws:s3:::bucket", ["*"]))
        .to.throw(ApigwTokenAuthError, "not a method ARN")
        .with.property("actual", "arn:aws:s3:::bucket");
    });
  });

  describe("evaluatePolicy", () => {
    const allow = (Resource: string | string[]) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: INVOKE_ACTION, Resource }],
    });

    it("allows a matching Allow and implicitly denies anything else", () => {
      expect(evaluatePolicy(allow(putUser), putUser)).to.equal("Allow");
      expect(evaluatePolicy(allow(putUser), getUser)).to.equal("ImplicitDeny");
    });

    it("lets a matching Deny win over an Allow, whatever the order", () => {
      const deny = { Effect: "Deny", Action: INVOKE_ACTION, Resource: putUser };
      const allowAll = { Effect: "Allow", Action: "execute-api:*", Resource: "*" };
      expect(evaluatePolicy({ Statement: [allowAll, deny] }, putUser)).to.equal("ExplicitDeny");
      expect(evaluatePolicy({ Statement: [deny, allowAll] }, putUser)).to.equal("ExplicitDeny");
      expect(evaluatePolicy({ Statement: [deny, allowAll] }, getUser)).to.equal("Allow");
    });

    it("accepts a single statement object and matches actions case-insensitively", () => {
      expect(
        evaluatePolicy(
          { Statement: { Effect: "Allow", Action: "Execute-API:invoke", Resource: [putUser] } },
          putUser,
        ),
      ).to.equal("Allow");
    });

    it("ignores statements for other actions", () => {
      expect(
        evaluatePolicy({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }, putUser),
      ).to.equal("ImplicitDeny");
    });

    it("supports NotAction and NotResource", () => {
      expect(
        evaluatePolicy({ Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] }, putUser),
      ).to.equal("Allow");
      expect(
        evaluatePolicy({ Statement: [{ Effect: "Allow", Action: "*", NotResource: [putUser] }] }, putUser),
      ).to.equal("ImplicitDeny");
      expect(
        evaluatePolicy({ Statement: [{ Effect: "Allow", Action: "*", NotResource: [putUser] }] }, getUser),
      ).to.equal("Allow");
      expect(
        evaluatePolicy(
          { Statement: [{ Effect: "Allow", NotAction: ["execute-api:*"], Resource: "*" }] },
          getUser,
        ),
      ).to.equal("ImplicitDeny");
    });

    it("evaluates the aws-lambda-go response fixture's shape (lists for Action and Resource)", () => {
      const { policyDocument } = fixture("aws-lambda-go/apigw-custom-auth-response.json") as {
        policyDocument: { Statement: Record<string, unknown>[] };
      };
      // The fixture's Effect and Resource are placeholders; keep its shape, fill in real values.
      const statement = { ...policyDocument.Statement[0], Effect: "Allow", Resource: [`${api}/GET/*`] };
      expect(evaluatePolicy({ ...policyDocument, Statement: [statement] }, getUser)).to.equal("Allow");
      expect(() => evaluatePolicy(policyDocument, getUser)).to.throw(ApigwTokenAuthError, /Effect/);
    });

    const malformed: [string, unknown, RegExp][] = [
      ["null", null, /must be an object/],
      ["an array", [], /must be an object/],
      ["a string", "Allow", /must be an object/],
      ["a non-object statement", { Statement: ["x"] }, /Statement\[0\] must be an object/],
      ["a missing Effect", { Statement: [{ Action: "*", Resource: "*" }] }, /Effect is invalid/],
      [
        "a Condition",
        { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: {} }] },
        /Condition/,
      ],
      [
        "no Action",
        { Statement: [{ Effect: "Allow", Resource: "*" }] },
        /exactly one of Action and NotAction/,
      ],
      [
        "both Resource and NotResource",
        { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", NotResource: "*" }] },
        /exactly one of Resource and NotResource/,
      ],
      [
        "an empty Resource list",
        { Statement: [{ Effect: "Allow", Action: "*", Resource: [] }] },
        /Resource is invalid/,
      ],
      [
        "a non-string Action",
        { Statement: [{ Effect: "Allow", Action: [1], Resource: "*" }] },
        /Action is invalid/,
      ],
      [
        "a non-string NotAction",
        { Statement: [{ Effect: "Allow", NotAction: 1, Resource: "*" }] },
        /NotAction is invalid/,
      ],
    ];
    for (const [what, policy, message] of malformed) {
      it(`throws ApigwTokenAuthError for ${what}`, () => {
        expect(() => evaluatePolicy(policy, putUser)).to.throw(ApigwTokenAuthError, message);
      });
    }
  });
});
