import { readFileSync } from "node:fs";
import { expect } from "chai";
import { DEFAULT_STACK_NAME } from "../../../scripts/deploy/settings.js";
import { apiTemplate } from "../../support/template.js";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const policy = JSON.parse(readFileSync("cloudformation/iam/deployer-policy.json", "utf8")) as {
  Version: string;
  Statement: Statement[];
};
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const actions = policy.Statement.flatMap((statement) => list(statement.Action));

/** The IAM service prefix that creates each resource type's resources. */
const SERVICE: Record<string, string> = {
  ApiGateway: "apigateway",
  DynamoDB: "dynamodb",
  IAM: "iam",
  Lambda: "lambda",
  Logs: "logs",
};

describe("cloudformation/iam/deployer-policy.json", () => {
  it("is an Allow-only policy whose Sids IAM accepts", () => {
    expect(policy.Version).to.equal("2012-10-17");
    for (const statement of policy.Statement) {
      expect(statement.Effect).to.equal("Allow");
      expect(statement.Sid).to.match(/^[A-Za-z0-9]+$/);
    }
  });

  it("grants an action of every service whose resources the template creates", () => {
    const services = new Set(
      Object.values(apiTemplate.Resources)
        .map((resource) => resource.Type.split("::")[1] as string)
        .filter((service) => service !== "CloudFormation"),
    );
    for (const service of services) {
      const prefix = SERVICE[service];
      expect(prefix, `no IAM prefix known for AWS::${service}::*`).to.be.a("string");
      expect(
        actions.some((action) => action.startsWith(`${prefix}:`)),
        `no ${prefix}:* action`,
      ).to.equal(true);
    }
  });

  it("grants every CloudFormation call make deploy and make destroy make, on the default stack only", () => {
    const cloudformation = policy.Statement.find(
      (statement) => statement.Sid === "ChangeSetsAndStackOfThisProject",
    );
    expect(list(cloudformation?.Action ?? [])).to.include.members([
      "cloudformation:CreateChangeSet",
      "cloudformation:DescribeChangeSet",
      "cloudformation:ExecuteChangeSet",
      "cloudformation:DeleteChangeSet",
      "cloudformation:DescribeStacks",
      "cloudformation:DescribeStackEvents",
      "cloudformation:GetTemplate",
      "cloudformation:ListStackResources",
      "cloudformation:DeleteStack",
    ]);
    expect(list(cloudformation?.Resource ?? [])).to.include(
      `arn:aws:cloudformation:*:*:stack/${DEFAULT_STACK_NAME}/*`,
    );
  });

  it("never deletes a table and never grants a wildcard action", () => {
    expect(actions).not.to.include("dynamodb:DeleteTable");
    expect(actions.filter((action) => action.endsWith(":*") || action === "*")).to.deep.equal([]);
  });
});
