/**
 * The token CLI user's IAM (cloudformation/iam/token-cli-policy.json), evaluated with the project's
 * IAM evaluator: every call `token --stack` makes is allowed, audit records can be appended and read
 * but never rewritten or deleted, and the flush reaches the authorizer cache of a stage and nothing
 * else of API Gateway.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { parsePolicy } from "../../../lib/iam/policy-document.js";
import { type AccessRequest, evaluatePolicies } from "../../../lib/iam/policy-evaluator.js";
import { DEFAULT_STACK_NAME } from "../../../scripts/deploy/settings.js";

const policy = [
  parsePolicy(JSON.parse(readFileSync("cloudformation/iam/token-cli-policy.json", "utf8")), "token-cli"),
];
const decide = (request: AccessRequest) => evaluatePolicies(policy, request).decision;
const table = (name: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${DEFAULT_STACK_NAME}-${name}`;
const TOKENS = table("auth-token");
const AUDIT = table("token-audit");

describe("cloudformation/iam/token-cli-policy.json", () => {
  it("allows every call of issue, rotate (with --grace), revoke, list and audit on the stack's tables", () => {
    const calls: AccessRequest[] = [
      {
        action: "cloudformation:DescribeStacks",
        resource: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${DEFAULT_STACK_NAME}/abc`,
      },
      ...["DescribeTable", "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Scan"].map((action) => ({
        action: `dynamodb:${action}`,
        resource: TOKENS,
      })),
      { action: "dynamodb:Query", resource: `${TOKENS}/index/byPrincipal` },
      { action: "dynamodb:PutItem", resource: AUDIT },
      { action: "dynamodb:Query", resource: AUDIT },
      { action: "dynamodb:Scan", resource: AUDIT },
    ];
    for (const call of calls) expect(decide(call), `${call.action} ${call.resource}`).to.equal("Allow");
  });

  it("never lets the CLI rewrite or delete an audit record, nor touch another table", () => {
    for (const action of ["UpdateItem", "DeleteItem", "BatchWriteItem", "DeleteTable"]) {
      expect(decide({ action: `dynamodb:${action}`, resource: AUDIT }), action).to.equal("ExplicitDeny");
    }
    expect(decide({ action: "dynamodb:GetItem", resource: table("users") })).to.equal("ImplicitDeny");
    expect(decide({ action: "dynamodb:DeleteTable", resource: TOKENS })).to.equal("ImplicitDeny");
  });

  it("flushes a stage's authorizer cache (FlushStageAuthorizersCache is apigateway:DELETE) and deletes nothing else", () => {
    expect(
      decide({
        action: "apigateway:DELETE",
        resource: "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1/cache/authorizers",
      }),
    ).to.equal("Allow");
    for (const resource of [
      "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1",
      "arn:aws:apigateway:eu-west-1::/restapis/abc123",
      "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1/cache/data",
    ]) {
      expect(decide({ action: "apigateway:DELETE", resource }), resource).to.equal("ImplicitDeny");
    }
  });
});
