import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import type { RequestContext } from "../../../lib/iam/policy-condition.js";
import { parsePolicy } from "../../../lib/iam/policy-document.js";
import { describeDecision, evaluatePolicies } from "../../../lib/iam/policy-evaluator.js";

const table = "arn:aws:dynamodb:us-east-1:000000000000:table/local-users";
const index = `${table}/index/byName`;

function decide(statements: unknown[], action: string, resource = table, context?: RequestContext) {
  const policy = parsePolicy({ Version: "2012-10-17", Statement: statements }, "Test");
  return evaluatePolicies([policy], { action, resource, ...(context ? { context } : {}) }).decision;
}

const allow = (extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  Resource: table,
  ...extra,
});

describe("lib/iam/policy-evaluator", () => {
  it("allows a listed action on a listed resource and implicitly denies the rest", () => {
    expect(decide([allow()], "dynamodb:GetItem")).to.equal("Allow");
    expect(decide([allow()], "dynamodb:DeleteItem")).to.equal("ImplicitDeny");
    expect(decide([allow()], "dynamodb:GetItem", index)).to.equal("ImplicitDeny");
  });

  it("matches actions case-insensitively, with wildcards", () => {
    expect(decide([allow({ Action: "DynamoDB:get*" })], "dynamodb:GetItem")).to.equal("Allow");
    expect(decide([allow({ Action: "dynamodb:?etItem" })], "DYNAMODB:GETITEM")).to.equal("Allow");
    expect(decide([allow({ Action: "dynamodb:*" })], "lambda:InvokeFunction")).to.equal("ImplicitDeny");
    expect(decide([allow({ Action: "*" })], "lambda:InvokeFunction")).to.equal("Allow");
  });

  it("lets * span / in resources and ? match exactly one character", () => {
    expect(decide([allow({ Resource: `${table}*` })], "dynamodb:GetItem", index)).to.equal("Allow");
    expect(decide([allow({ Resource: `${table}/index/*` })], "dynamodb:GetItem", `${index}/x`)).to.equal(
      "Allow",
    );
    expect(decide([allow({ Resource: table.replace("users", "user?") })], "dynamodb:GetItem")).to.equal(
      "Allow",
    );
    expect(decide([allow({ Resource: table.replace("users", "use?") })], "dynamodb:GetItem")).to.equal(
      "ImplicitDeny",
    );
  });

  it("supports NotAction and NotResource", () => {
    const notAction = { Effect: "Allow", NotAction: "dynamodb:Delete*", Resource: "*" };
    expect(decide([notAction], "dynamodb:GetItem")).to.equal("Allow");
    expect(decide([notAction], "dynamodb:DeleteItem")).to.equal("ImplicitDeny");
    const notResource = { Effect: "Deny", Action: "*", NotResource: table };
    expect(decide([allow({ Resource: "*" }), notResource], "dynamodb:GetItem")).to.equal("Allow");
    expect(decide([allow({ Resource: "*" }), notResource], "dynamodb:GetItem", index)).to.equal(
      "ExplicitDeny",
    );
  });

  it("lets an explicit Deny in any policy win, and names the deciding statement", () => {
    const guard = parsePolicy(
      { Statement: [{ Sid: "NoUpdates", Effect: "Deny", Action: "dynamodb:UpdateItem", Resource: "*" }] },
      "Guard",
    );
    const grant = parsePolicy({ Statement: [{ Sid: "Rw", ...allow() }] }, "Grant");
    const denied = evaluatePolicies([grant, guard], { action: "dynamodb:UpdateItem", resource: table });
    expect(denied.decision).to.equal("ExplicitDeny");
    expect(describeDecision(denied)).to.equal(
      'ExplicitDeny by policy "Guard", Statement[0] (Sid "NoUpdates")',
    );
    const allowed = evaluatePolicies([guard, grant], { action: "dynamodb:GetItem", resource: table });
    expect(describeDecision(allowed)).to.equal('Allow by policy "Grant", Statement[0] (Sid "Rw")');
    const none = evaluatePolicies([guard], { action: "dynamodb:GetItem", resource: table });
    expect(describeDecision(none)).to.equal("ImplicitDeny: no statement allows it");
  });

  it("reads a single statement object", () => {
    const policy = parsePolicy({ Statement: allow() }, "Single");
    expect(evaluatePolicies([policy], { action: "dynamodb:GetItem", resource: table }).decision).to.equal(
      "Allow",
    );
  });

  describe("conditions", () => {
    const withCondition = (Condition: unknown) => [allow({ Condition })];

    it("ANDs operators and keys, ORs the values of one key", () => {
      const statements = withCondition({
        StringEquals: {
          "dynamodb:Select": ["SPECIFIC_ATTRIBUTES", "COUNT"],
          "aws:RequestedRegion": "us-east-1",
        },
        Bool: { "aws:SecureTransport": true },
      });
      const ok = {
        "dynamodb:Select": "COUNT",
        "aws:RequestedRegion": "us-east-1",
        "aws:SecureTransport": "true",
      };
      expect(decide(statements, "dynamodb:GetItem", table, ok)).to.equal("Allow");
      expect(
        decide(statements, "dynamodb:GetItem", table, { ...ok, "dynamodb:Select": "ALL_ATTRIBUTES" }),
      ).to.equal("ImplicitDeny");
      expect(decide(statements, "dynamodb:GetItem", table, { ...ok, "aws:SecureTransport": false })).to.equal(
        "ImplicitDeny",
      );
    });

    it("treats condition key names case-insensitively and values case-sensitively", () => {
      const statements = withCondition({ StringEquals: { "DynamoDB:Select": "COUNT" } });
      expect(decide(statements, "dynamodb:GetItem", table, { "dynamodb:select": "COUNT" })).to.equal("Allow");
      expect(decide(statements, "dynamodb:GetItem", table, { "dynamodb:select": "count" })).to.equal(
        "ImplicitDeny",
      );
      const ignoreCase = withCondition({ StringEqualsIgnoreCase: { "dynamodb:Select": "COUNT" } });
      expect(decide(ignoreCase, "dynamodb:GetItem", table, { "dynamodb:select": "count" })).to.equal("Allow");
    });

    it("NORs the values of a negated operator, and is true for it when the key is absent", () => {
      const statements = withCondition({
        StringNotEquals: { "dynamodb:ReturnValues": ["ALL_OLD", "ALL_NEW"] },
      });
      expect(decide(statements, "dynamodb:UpdateItem", table, { "dynamodb:ReturnValues": "NONE" })).to.equal(
        "Allow",
      );
      expect(
        decide(statements, "dynamodb:UpdateItem", table, { "dynamodb:ReturnValues": "ALL_NEW" }),
      ).to.equal("ImplicitDeny");
      expect(decide(statements, "dynamodb:UpdateItem", table, {})).to.equal("Allow");
    });

    it("is false for a positive operator on an absent key unless IfExists", () => {
      expect(
        decide(withCondition({ StringEquals: { "dynamodb:Select": "COUNT" } }), "dynamodb:GetItem"),
      ).to.equal("ImplicitDeny");
      const ifExists = withCondition({ StringEqualsIfExists: { "dynamodb:Select": "COUNT" } });
      expect(decide(ifExists, "dynamodb:GetItem")).to.equal("Allow");
      expect(decide(ifExists, "dynamodb:GetItem", table, { "dynamodb:Select": "ALL_ATTRIBUTES" })).to.equal(
        "ImplicitDeny",
      );
    });

    it("decides ForAllValues (vacuously true) and ForAnyValue on multi-valued keys", () => {
      const all = withCondition({ "ForAllValues:StringEquals": { "dynamodb:Attributes": ["id", "name"] } });
      expect(decide(all, "dynamodb:GetItem", table, { "dynamodb:Attributes": ["id", "name"] })).to.equal(
        "Allow",
      );
      expect(decide(all, "dynamodb:GetItem", table, { "dynamodb:Attributes": ["id", "secret"] })).to.equal(
        "ImplicitDeny",
      );
      expect(decide(all, "dynamodb:GetItem", table, {})).to.equal("Allow");
      expect(decide(all, "dynamodb:GetItem", table, { "dynamodb:Attributes": [] })).to.equal("Allow");
      const any = withCondition({ "ForAnyValue:StringLike": { "dynamodb:Attributes": "sec*" } });
      expect(decide(any, "dynamodb:GetItem", table, { "dynamodb:Attributes": ["id", "secret"] })).to.equal(
        "Allow",
      );
      expect(decide(any, "dynamodb:GetItem", table, { "dynamodb:Attributes": ["id"] })).to.equal(
        "ImplicitDeny",
      );
      expect(decide(any, "dynamodb:GetItem", table, {})).to.equal("ImplicitDeny");
      const notLike = withCondition({
        "ForAllValues:StringNotLike": { "dynamodb:Attributes": ["FreeGames*", "BossLevel*"] },
      });
      expect(
        decide(notLike, "dynamodb:UpdateItem", table, { "dynamodb:Attributes": ["id", "score"] }),
      ).to.equal("Allow");
      expect(
        decide(notLike, "dynamodb:UpdateItem", table, { "dynamodb:Attributes": ["id", "BossLevelUnlocked"] }),
      ).to.equal("ImplicitDeny");
    });

    it("decides Null, Numeric, Date and Arn operators", () => {
      const nullTrue = withCondition({ Null: { "dynamodb:Select": "true" } });
      expect(decide(nullTrue, "dynamodb:GetItem")).to.equal("Allow");
      expect(decide(nullTrue, "dynamodb:GetItem", table, { "dynamodb:Select": "COUNT" })).to.equal(
        "ImplicitDeny",
      );
      const numeric = withCondition({ NumericLessThanEquals: { "aws:MultiFactorAuthAge": 3600 } });
      expect(decide(numeric, "dynamodb:GetItem", table, { "aws:MultiFactorAuthAge": 60 })).to.equal("Allow");
      expect(decide(numeric, "dynamodb:GetItem", table, { "aws:MultiFactorAuthAge": "7200" })).to.equal(
        "ImplicitDeny",
      );
      expect(decide(numeric, "dynamodb:GetItem", table, { "aws:MultiFactorAuthAge": "soon" })).to.equal(
        "ImplicitDeny",
      );
      const date = withCondition({ DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } });
      expect(decide(date, "dynamodb:GetItem", table, { "aws:CurrentTime": "2026-11-29T13:00:00Z" })).to.equal(
        "Allow",
      );
      expect(decide(date, "dynamodb:GetItem", table, { "aws:CurrentTime": "1798761600" })).to.equal(
        "ImplicitDeny",
      );
      const arn = withCondition({ ArnLike: { "aws:SourceArn": "arn:aws:execute-api:*:*:abc/*/GET/*" } });
      const source = "arn:aws:execute-api:us-east-1:1:abc/v1/GET/user/1";
      expect(decide(arn, "dynamodb:GetItem", table, { "aws:SourceArn": source })).to.equal("Allow");
      const arnNot = withCondition({ ArnNotLike: { "aws:SourceArn": "arn:aws:execute-api:*:*:abc/*" } });
      expect(decide(arnNot, "dynamodb:GetItem", table, { "aws:SourceArn": source })).to.equal("ImplicitDeny");
    });
  });

  describe("refusals", () => {
    const refused: [string, unknown, RegExp][] = [
      [
        "an unknown operator",
        { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
        /operator "IpAddress" is not evaluated/,
      ],
      ["a misspelt operator", { StringEqual: { k: "v" } }, /operator "StringEqual"/],
      ["Null with IfExists", { NullIfExists: { k: "true" } }, /NullIfExists/],
      ["a non-number for Numeric*", { NumericEquals: { k: "ten" } }, /"ten" is not a number/],
      ["a non-date for Date*", { DateEquals: { k: "tomorrow" } }, /not an ISO 8601 date/],
      ["a non-boolean for Bool", { Bool: { k: "yes" } }, /not "true" or "false"/],
      ["an empty value list", { StringEquals: { k: [] } }, /StringEquals\.k is invalid/],
      ["keys that are not an object", { StringEquals: "k" }, /object of condition keys/],
      ["a Condition that is not an object", "StringEquals", /object of operators/],
    ];
    for (const [what, Condition, message] of refused) {
      it(`refuses ${what}, naming the policy and statement`, () => {
        expect(() => parsePolicy({ Statement: [allow({ Condition })] }, "Role")).to.throw(
          ApigwTokenAuthError,
          /policy "Role", Statement\[0\]/,
        );
        expect(() => parsePolicy({ Statement: [allow({ Condition })] }, "Role")).to.throw(
          ApigwTokenAuthError,
          message,
        );
      });
    }

    it("refuses a Principal, a malformed action and a document that is not an object", () => {
      expect(() => parsePolicy({ Statement: [allow({ Principal: "*" })] }, "R")).to.throw(/Principal/);
      expect(() => parsePolicy({ Statement: [allow({ Action: "GetItem" })] }, "R")).to.throw(
        /action "GetItem" is not an IAM action/,
      );
      expect(() => parsePolicy('{"Statement":[]}', "R")).to.throw(
        ApigwTokenAuthError,
        /policy "R": the policy document must be an object/,
      );
      expect(() =>
        parsePolicy({ Statement: [allow({ Condition: {} })] }, "R", { conditions: "refuse" }),
      ).to.throw(/Condition is not supported/);
    });
  });
});
