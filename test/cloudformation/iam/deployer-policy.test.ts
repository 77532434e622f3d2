/**
 * The deployer's IAM (issue 13): the human deployer (deployer-policy.json) runs change sets through
 * the CloudFormation service role (cfn-service-role-policy.json), which writes roles only with the
 * permissions boundary (permissions-boundary.json). Evaluated with the project's IAM evaluator, so
 * each case shows what the policy allows, not what it says.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { type ParsedPolicy, parsePolicy } from "../../../lib/iam/policy-document.js";
import { type AccessRequest, evaluatePolicies } from "../../../lib/iam/policy-evaluator.js";
import { DEFAULT_STACK_NAME } from "../../../scripts/deploy/settings.js";
import { apiTemplate } from "../../support/template.js";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
type Document = { Version: string; Statement: Statement[] };

const read = (name: string) =>
  JSON.parse(readFileSync(`cloudformation/iam/${name}.json`, "utf8")) as Document;
const documents = {
  deployer: read("deployer-policy"),
  serviceRole: read("cfn-service-role-policy"),
  boundary: read("permissions-boundary"),
};
const parsed = (document: Document): ParsedPolicy[] => [parsePolicy(document, "policy")];
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const actionsOf = (document: Document) => document.Statement.flatMap((statement) => list(statement.Action));

const STACK = DEFAULT_STACK_NAME;
const ACCOUNT = "123456789012";
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/CloudFormationDeployer-${STACK}`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/${STACK}-boundary`;
const STACK_ARN = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/${STACK}/abc`;
const STACK_ROLE = `arn:aws:iam::${ACCOUNT}:role/${STACK}-AuthorizerFunctionRole-ABC123`;
const STACK_TAG = "aws:ResourceTag/aws:cloudformation:stack-name";

const decide = (document: Document, request: AccessRequest) =>
  evaluatePolicies(parsed(document), request).decision;
const allows = (document: Document, request: AccessRequest) => decide(document, request) === "Allow";

/** The IAM service prefix that creates each resource type's resources. */
const SERVICE: Record<string, string> = {
  ApiGateway: "apigateway",
  CloudWatch: "cloudwatch",
  DynamoDB: "dynamodb",
  IAM: "iam",
  KMS: "kms",
  Lambda: "lambda",
  Logs: "logs",
  SNS: "sns",
};

describe("cloudformation/iam: the deployer, its service role and the boundary", () => {
  it("are policies whose Sids IAM accepts; the only Deny keeps boundaries on", () => {
    for (const document of Object.values(documents)) {
      expect(document.Version).to.equal("2012-10-17");
      for (const statement of document.Statement) {
        expect(statement.Sid).to.match(/^[A-Za-z0-9]+$/);
        if (statement.Effect === "Deny") expect(statement.Sid).to.equal("NeverRemoveABoundary");
      }
    }
  });

  it("the service role is assumable by CloudFormation of this account only", () => {
    const trust = JSON.parse(readFileSync("cloudformation/iam/cfn-service-role-trust.json", "utf8")) as {
      Statement: Record<string, unknown>[];
    };
    expect(trust.Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { Service: "cloudformation.amazonaws.com" },
        Action: "sts:AssumeRole",
        // ACCOUNT_ID is replaced at set-up (README, "Deploying with a service role").
        Condition: { StringEquals: { "aws:SourceAccount": "ACCOUNT_ID" } },
      },
    ]);
  });

  it("the service role grants an action of every service whose resources the template creates", () => {
    const actions = actionsOf(documents.serviceRole);
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

  it("the deployer makes every CloudFormation call of make deploy and make destroy, on the default stack only", () => {
    const viaRole = { "cloudformation:RoleArn": SERVICE_ROLE };
    for (const action of ["CreateChangeSet", "DeleteStack"]) {
      expect(
        allows(documents.deployer, {
          action: `cloudformation:${action}`,
          resource: STACK_ARN,
          context: viaRole,
        }),
      ).to.equal(true);
    }
    for (const action of [
      "DescribeChangeSet",
      "ExecuteChangeSet",
      "DeleteChangeSet",
      "DescribeStacks",
      "DescribeStackEvents",
      "GetTemplate",
      "ListStackResources",
    ]) {
      expect(
        allows(documents.deployer, { action: `cloudformation:${action}`, resource: STACK_ARN }),
        action,
      ).to.equal(true);
    }
    const other = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/someone-else/abc`;
    expect(allows(documents.deployer, { action: "cloudformation:DescribeStacks", resource: other })).to.equal(
      false,
    );
  });

  describe("the human deployer cannot escalate", () => {
    it("changes the stack only through the service role, never with its own permissions", () => {
      const request = { action: "cloudformation:CreateChangeSet", resource: STACK_ARN };
      expect(decide(documents.deployer, request)).to.equal("ImplicitDeny");
      const otherRole = { "cloudformation:RoleArn": `arn:aws:iam::${ACCOUNT}:role/Admin` };
      expect(decide(documents.deployer, { ...request, context: otherRole })).to.equal("ImplicitDeny");
    });

    it("passes the service role to CloudFormation and to nothing else", () => {
      const pass = (service: string) =>
        allows(documents.deployer, {
          action: "iam:PassRole",
          resource: SERVICE_ROLE,
          context: { "iam:PassedToService": service },
        });
      expect(pass("cloudformation.amazonaws.com")).to.equal(true);
      expect(pass("lambda.amazonaws.com")).to.equal(false);
      expect(pass("ec2.amazonaws.com")).to.equal(false);
    });

    it("writes no role, no policy, no function code and no API of its own", () => {
      for (const [action, resource] of [
        ["iam:PutRolePolicy", STACK_ROLE],
        ["iam:AttachRolePolicy", STACK_ROLE],
        ["iam:UpdateAssumeRolePolicy", STACK_ROLE],
        ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/${STACK}-x`],
        ["iam:PassRole", STACK_ROLE],
        [
          "lambda:UpdateFunctionCode",
          `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${STACK}-AuthorizerFunction-X`,
        ],
        ["apigateway:PATCH", "arn:aws:apigateway:eu-west-1::/restapis/abc123"],
        ["logs:DeleteLogGroup", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/${STACK}-x`],
      ] as const) {
        expect(decide(documents.deployer, { action, resource }), action).to.equal("ImplicitDeny");
      }
    });
  });

  describe("the service role writes roles only inside the boundary", () => {
    const withBoundary = { "iam:PermissionsBoundary": BOUNDARY };

    it("creates and changes the stack's roles when they carry the boundary", () => {
      for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]) {
        expect(
          allows(documents.serviceRole, { action, resource: STACK_ROLE, context: withBoundary }),
          action,
        ).to.equal(true);
      }
    });

    it("cannot put a policy on a role without the boundary, or with another one", () => {
      for (const context of [
        {},
        { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/AdminBoundary` },
      ]) {
        for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
          expect(decide(documents.serviceRole, { action, resource: STACK_ROLE, context }), action).to.equal(
            "ImplicitDeny",
          );
        }
      }
    });

    it("cannot touch a role outside the stack, nor ever remove a boundary", () => {
      const admin = `arn:aws:iam::${ACCOUNT}:role/Admin`;
      expect(
        decide(documents.serviceRole, {
          action: "iam:PutRolePolicy",
          resource: admin,
          context: withBoundary,
        }),
      ).to.equal("ImplicitDeny");
      expect(
        decide(documents.serviceRole, { action: "iam:DeleteRolePermissionsBoundary", resource: STACK_ROLE }),
      ).to.equal("ExplicitDeny");
    });

    it("attaches no managed policy but API Gateway's logging one", () => {
      const attach = (policyArn: string) =>
        allows(documents.serviceRole, {
          action: "iam:AttachRolePolicy",
          resource: STACK_ROLE,
          context: { ...withBoundary, "iam:PolicyARN": policyArn },
        });
      expect(attach("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")).to.equal(
        true,
      );
      expect(attach("arn:aws:iam::aws:policy/AdministratorAccess")).to.equal(false);
    });

    it("passes the stack's roles to Lambda and API Gateway only", () => {
      const pass = (service: string) =>
        allows(documents.serviceRole, {
          action: "iam:PassRole",
          resource: STACK_ROLE,
          context: { "iam:PassedToService": service },
        });
      expect(pass("lambda.amazonaws.com")).to.equal(true);
      expect(pass("apigateway.amazonaws.com")).to.equal(true);
      expect(pass("ec2.amazonaws.com")).to.equal(false);
    });
  });

  describe("the service role's API Gateway and logs actions are this stack's", () => {
    const api = "arn:aws:apigateway:eu-west-1::/restapis/abc123/resources/def456";

    it("changes the REST API CloudFormation tagged with this stack, and no other", () => {
      const patch = (context: Record<string, string>) =>
        decide(documents.serviceRole, { action: "apigateway:PATCH", resource: api, context });
      expect(patch({ [STACK_TAG]: STACK })).to.equal("Allow");
      expect(patch({ [STACK_TAG]: "another-stack" })).to.equal("ImplicitDeny");
      expect(patch({})).to.equal("ImplicitDeny");
      const create = (tag: string) =>
        decide(documents.serviceRole, {
          action: "apigateway:POST",
          resource: "arn:aws:apigateway:eu-west-1::/restapis",
          context: { "aws:RequestTag/aws:cloudformation:stack-name": tag },
        });
      expect(create(STACK)).to.equal("Allow");
      expect(create("another-stack")).to.equal("ImplicitDeny");
    });

    it("deletes this stack's log groups only: by name, and the execution log group by its tag", () => {
      const remove = (group: string, context: Record<string, string> = {}) =>
        decide(documents.serviceRole, {
          action: "logs:DeleteLogGroup",
          resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${group}`,
          context,
        });
      expect(remove(`/aws/lambda/${STACK}-AuthorizerFunction-X`)).to.equal("Allow");
      expect(remove(`/aws/apigateway/${STACK}/access`)).to.equal("Allow");
      expect(remove("/aws/lambda/payments-Function-X")).to.equal("ImplicitDeny");
      expect(remove("API-Gateway-Execution-Logs_abc123/v1", { [STACK_TAG]: STACK })).to.equal("Allow");
      expect(remove("API-Gateway-Execution-Logs_zzz999/v1", { [STACK_TAG]: "payments" })).to.equal(
        "ImplicitDeny",
      );
    });

    it("never deletes a table and never grants a wildcard action", () => {
      const all = [...actionsOf(documents.deployer), ...actionsOf(documents.serviceRole)];
      expect(all).not.to.include("dynamodb:DeleteTable");
      expect(all.filter((action) => action.endsWith(":*") || action === "*")).to.deep.equal([]);
    });
  });

  describe("the permissions boundary", () => {
    it("lets the stack's roles reach its tables, functions and logs, and nothing of IAM", () => {
      const table = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${STACK}-auth-token`;
      expect(allows(documents.boundary, { action: "dynamodb:GetItem", resource: table })).to.equal(true);
      expect(
        allows(documents.boundary, {
          action: "dynamodb:GetItem",
          resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/payments`,
        }),
      ).to.equal(false);
      expect(allows(documents.boundary, { action: "dynamodb:DeleteTable", resource: table })).to.equal(false);
      expect(allows(documents.boundary, { action: "iam:PutRolePolicy", resource: STACK_ROLE })).to.equal(
        false,
      );
      expect(allows(documents.boundary, { action: "sts:AssumeRole", resource: SERVICE_ROLE })).to.equal(
        false,
      );
    });

    it("covers every permission the template's roles grant (a role's policy beyond it would be dead)", () => {
      for (const [id, role] of Object.entries(apiTemplate.Resources).filter(
        ([, r]) => r.Type === "AWS::IAM::Role",
      )) {
        const policies = (role.Properties?.Policies ?? []) as {
          PolicyDocument: { Statement: Statement[] };
        }[];
        for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
          for (const action of list(statement.Action)) {
            // Resources are intrinsic functions here; a resource of the stack stands in for them.
            const resource = action.startsWith("dynamodb:")
              ? `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/${STACK}-users`
              : action.startsWith("lambda:")
                ? `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${STACK}-UserFunction-X`
                : `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/${STACK}-x`;
            expect(allows(documents.boundary, { action, resource }), `${id}: ${action}`).to.equal(true);
          }
        }
      }
    });
  });
});
