import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { buildAllowPolicy, INVOKE_ACTION } from "../../../handlers/shared/policy.js";
import {
  evaluateAuthorizerPolicy,
  evaluatePolicy,
  explainAuthorizerPolicy,
} from "../../../lib/iam/authorizer-policy.js";

const api = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1";
const getUser = `${api}/GET/user/42`;
const putUser = `${api}/PUT/user`;

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/apigw/${name}`, import.meta.url), "utf8"));
}

describe("lib/iam/authorizer-policy", () => {
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
      it(`refuses ${what}, saying what is wrong`, () => {
        expect(() => evaluatePolicy(policy, putUser)).to.throw(ApigwTokenAuthError, message);
      });
    }
  });

  describe("evaluateAuthorizerPolicy", () => {
    it("names the statement that decided", () => {
      const policy = {
        Statement: [
          { Sid: "All", Effect: "Allow", Action: INVOKE_ACTION, Resource: `${api}/*` },
          { Sid: "NoPut", Effect: "Deny", Action: INVOKE_ACTION, Resource: putUser },
        ],
      };
      expect(evaluateAuthorizerPolicy(policy, getUser).statement?.label).to.equal(
        'policy "policyDocument", Statement[0] (Sid "All")',
      );
      const denied = evaluateAuthorizerPolicy(policy, putUser);
      expect(denied.decision).to.equal("ExplicitDeny");
      expect(denied.statement?.sid).to.equal("NoPut");
    });

    it("allows what buildAllowPolicy grants", () => {
      expect(evaluatePolicy(buildAllowPolicy(getUser, ["GET /user/*"]), getUser)).to.equal("Allow");
    });
  });

  describe("explainAuthorizerPolicy", () => {
    const policy = {
      Statement: [
        { Sid: "Reads", Effect: "Allow", Action: INVOKE_ACTION, Resource: `${api}/GET/*` },
        { Effect: "Deny", Action: INVOKE_ACTION, NotResource: `${api}/GET/*` },
      ],
    };

    it("gives every statement with whether it applied, and the evaluator's decision", () => {
      const allowed = explainAuthorizerPolicy(policy, getUser);
      expect(allowed.decision).to.equal("Allow");
      expect(allowed.statements.map((s) => [s.statement.sid, s.matched])).to.deep.equal([
        ["Reads", true],
        [undefined, false],
      ]);
      const denied = explainAuthorizerPolicy(policy, putUser);
      expect(denied.decision).to.equal("ExplicitDeny");
      expect(denied.statement?.index).to.equal(1);
      expect(denied.statements.map((s) => s.matched)).to.deep.equal([false, true]);
    });

    it("agrees with evaluatePolicy, and refuses what it refuses", () => {
      for (const arn of [getUser, putUser, `${api}/DELETE/user/1`]) {
        expect(explainAuthorizerPolicy(policy, arn).decision).to.equal(evaluatePolicy(policy, arn));
      }
      expect(explainAuthorizerPolicy({ Statement: [] }, getUser).decision).to.equal("ImplicitDeny");
      expect(() => explainAuthorizerPolicy("nope", getUser)).to.throw(ApigwTokenAuthError);
    });
  });
});
