import { expect } from "chai";
import { awsManagedPolicy, knownAwsManagedPolicies } from "../../../lib/iam/aws-managed-policies.js";
import { parsePolicy } from "../../../lib/iam/policy-document.js";
import { evaluatePolicies } from "../../../lib/iam/policy-evaluator.js";

const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/** What a role with only the AWS-managed policy `arn` may do with `action` on `resource`. */
function decision(arn: string, action: string, resource: string): string {
  const document = awsManagedPolicy(arn);
  expect(document, arn).to.not.equal(undefined);
  return evaluatePolicies([parsePolicy(document, arn)], { action, resource }).decision;
}

describe("lib/iam/aws-managed-policies", () => {
  it("lets AWSLambdaBasicExecutionRole write logs anywhere and nothing else", () => {
    const logGroup = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*";
    expect(decision(BASIC, "logs:PutLogEvents", logGroup)).to.equal("Allow");
    expect(decision(BASIC, "logs:CreateLogStream", logGroup)).to.equal("Allow");
    expect(decision(BASIC, "dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/t")).to.equal(
      "ImplicitDeny",
    );
  });

  it("lets the DynamoDB read-only policy read but not write", () => {
    const arn = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
    const table = "arn:aws:dynamodb:eu-west-1:123456789012:table/t";
    expect(decision(arn, "dynamodb:GetItem", table)).to.equal("Allow");
    expect(decision(arn, "dynamodb:DescribeTable", table)).to.equal("Allow");
    expect(decision(arn, "dynamodb:PutItem", table)).to.equal("ImplicitDeny");
  });

  it("knows a policy in every partition, by its path and name", () => {
    expect(
      awsManagedPolicy("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
    ).to.deep.equal(awsManagedPolicy(BASIC));
    expect(awsManagedPolicy("arn:aws-us-gov:iam::aws:policy/AWSXRayDaemonWriteAccess")).to.not.equal(
      undefined,
    );
  });

  it("does not guess: an unknown name, a customer policy or a non-ARN is undefined", () => {
    for (const arn of [
      "arn:aws:iam::aws:policy/AdministratorAccess",
      "arn:aws:iam::123456789012:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::aws:policy/constructor",
      "AWSLambdaBasicExecutionRole",
    ]) {
      expect(awsManagedPolicy(arn), arn).to.equal(undefined);
    }
  });

  it("lists the names it knows, for the refusal message", () => {
    expect(knownAwsManagedPolicies()).to.include.members([
      "service-role/AWSLambdaBasicExecutionRole",
      "AmazonDynamoDBFullAccess",
    ]);
  });
});
