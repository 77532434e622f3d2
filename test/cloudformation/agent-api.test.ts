import { existsSync } from "node:fs";
import { expect } from "chai";
import {
  AGENT_ID_HEADER,
  AGENT_TOKEN_HEADER,
  AGENT_TOKEN_SCOPES,
} from "../../handlers/agent-authorizer/agent-authorizer.js";
import { buildAllowPolicy } from "../../handlers/shared/policy.js";
import { loadTemplate } from "../../lib/cloudformation/load-template.js";
import { evaluatePolicy } from "../../lib/iam/authorizer-policy.js";
import { resolveStack } from "../../local/cloudformation/resolve-stack.js";
import type { ResolvedStack } from "../../local/cloudformation/resolved-stack.js";

const TEMPLATE = "cloudformation/api.yaml";
const CODE_KEYS = {
  ArtifactBucket: "artifacts",
  AuthorizerCodeKey: "a.zip",
  UserCodeKey: "u.zip",
  AgentAuthorizerCodeKey: "aa.zip",
  AgentCodeKey: "ag.zip",
  JwtAuthorizerCodeKey: "j.zip",
  MeCodeKey: "m.zip",
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function statementsOf(role: Record<string, unknown>): Statement[] {
  const policies = (role.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** The path of a resolved AWS::ApiGateway::Resource, from the API root. */
function resourcePath(stack: ResolvedStack, resourceId: string): string {
  const byPhysicalId = Object.values(stack.resources).find(
    (resource) => resource.type === "AWS::ApiGateway::Resource" && resource.physicalId === resourceId,
  );
  if (!byPhysicalId) return "";
  const { ParentId, PathPart } = byPhysicalId.properties as { ParentId: string; PathPart: string };
  return `${resourcePath(stack, ParentId)}/${PathPart}`;
}

describe("cloudformation/api.yaml: agent API (issue 6)", () => {
  const template = loadTemplate(TEMPLATE);
  const resources = template.Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const stack = resolveStack(template, { parameterOverrides: CODE_KEYS });
  const agentAuthorizerId = stack.resources.AgentAuthorizer?.physicalId;
  const agentMethods = Object.values(stack.resources).filter(
    (resource) =>
      resource.type === "AWS::ApiGateway::Method" && resource.properties.AuthorizerId === agentAuthorizerId,
  );

  it("has a REQUEST authorizer whose identity sources are the two headers the function reads", () => {
    const properties = resources.AgentAuthorizer?.Properties ?? {};
    expect(properties.Type).to.equal("REQUEST");
    expect(String(properties.IdentitySource).split(/,\s*/)).to.deep.equal([
      `method.request.header.${AGENT_ID_HEADER}`,
      `method.request.header.${AGENT_TOKEN_HEADER}`,
    ]);
    expect(properties.AuthorizerResultTtlInSeconds).to.deep.equal({ Ref: "AuthorizerTtlSeconds" });
    // API Gateway ignores a validation expression on REQUEST authorizers; one here would mislead.
    expect(properties).to.not.have.property("IdentityValidationExpression");
  });

  it("guards exactly GET /agent/tasks and GET /agent/metadata, both on the agent function by proxy", () => {
    const routes = agentMethods.map(
      (method) =>
        `${method.properties.HttpMethod} ${resourcePath(stack, method.properties.ResourceId as string)}`,
    );
    expect(routes.sort()).to.deep.equal(["GET /agent/metadata", "GET /agent/tasks"]);
    const agentFunctionArn = stack.resources.AgentFunction?.attributes.Arn as string;
    for (const method of agentMethods) {
      const integration = method.properties.Integration as { Type: string; Uri: string };
      expect(method.properties.AuthorizationType).to.equal("CUSTOM");
      expect(integration.Type).to.equal("AWS_PROXY");
      expect(integration.Uri).to.include(agentFunctionArn);
    }
  });

  it("issues agent tokens with scopes that allow every agent method, so a cached policy serves both", () => {
    const { region, accountId } = stack;
    const apiId = stack.resources.Api?.physicalId;
    const arn = (route: string) => `arn:aws:execute-api:${region}:${accountId}:${apiId}/v1/${route}`;
    for (const first of agentMethods) {
      const firstRoute = `GET${resourcePath(stack, first.properties.ResourceId as string)}`;
      const policy = buildAllowPolicy(arn(firstRoute), AGENT_TOKEN_SCOPES);
      for (const method of agentMethods) {
        const route = `${method.properties.HttpMethod}${resourcePath(stack, method.properties.ResourceId as string)}`;
        expect(evaluatePolicy(policy, arn(route)), route).to.equal("Allow");
      }
    }
  });

  it("bundles both functions from entry points that exist, on nodejs22.x", () => {
    for (const [logicalId, entryPoint, codeKey] of [
      ["AgentAuthorizerFunction", "handlers/agent-authorizer/index.ts", "AgentAuthorizerCodeKey"],
      ["AgentFunction", "handlers/agent/index.ts", "AgentCodeKey"],
    ] as const) {
      const resource = template.Resources[logicalId] as {
        Metadata: unknown;
        Properties: Record<string, unknown>;
      };
      expect(resource.Metadata).to.deep.equal({ BuildEntryPoint: entryPoint });
      expect(existsSync(entryPoint), entryPoint).to.equal(true);
      expect(resource.Properties.Runtime).to.equal("nodejs22.x");
      expect(resource.Properties.Handler).to.equal("index.handler");
      expect(resource.Properties.Code).to.deep.equal({
        S3Bucket: { Ref: "ArtifactBucket" },
        S3Key: { Ref: codeKey },
      });
    }
    expect(resources.AgentAuthorizerFunction?.Properties.Environment).to.deep.equal({
      Variables: { TOKEN_TABLE_NAME: { Ref: "TokenTable" }, LOG_LEVEL: "INFO" },
    });
  });

  it("lets the authorizer only GetItem on the token table, and the backend touch no table", () => {
    const authorizerActions = statementsOf(resources.AgentAuthorizerFunctionRole?.Properties ?? {})
      .filter((statement) => !String(statement.Action).startsWith("logs:"))
      .map((statement) => [statement.Action, statement.Resource]);
    expect(authorizerActions).to.deep.equal([["dynamodb:GetItem", { "Fn::GetAtt": ["TokenTable", "Arn"] }]]);
    const backendActions = statementsOf(resources.AgentFunctionRole?.Properties ?? {}).flatMap(
      (s) => s.Action,
    );
    expect(backendActions.every((action) => action.startsWith("logs:"))).to.equal(true);
    const invoke = statementsOf(resources.AgentAuthorizerInvokeRole?.Properties ?? {});
    expect(invoke).to.deep.equal([
      {
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: { "Fn::GetAtt": ["AgentAuthorizerFunction", "Arn"] },
      },
    ]);
  });

  it("lets API Gateway invoke the agent function for GET /agent/* only, and deploys the methods", () => {
    const permission = stack.resources.AgentFunctionPermission?.properties ?? {};
    expect(permission.SourceArn).to.match(/\/v1\/GET\/agent\/\*$/);
    const deployment = template.Resources.Deployment as { DependsOn: string[] };
    expect(deployment.DependsOn).to.include.members(["AgentTasksGetMethod", "AgentMetadataGetMethod"]);
  });
});
