import { existsSync } from "node:fs";
import { expect } from "chai";
import {
  AGENT_ID_HEADER,
  AGENT_TOKEN_HEADER,
  AGENT_TOKEN_SCOPES,
} from "../../handlers/agent-authorizer/agent-authorizer.js";
import { buildAllowPolicy } from "../../handlers/shared/policy.js";
import { evaluatePolicy } from "../../lib/iam/authorizer-policy.js";
import {
  apiTemplate,
  getAtt,
  methodsGuardedBy,
  permissionsOf,
  props,
  resolvedApiStack,
  routeOf,
} from "../support/template.js";

describe("cloudformation/api.yaml: agent API (issue 6)", () => {
  const template = apiTemplate;
  const stack = resolvedApiStack();
  const agentMethods = methodsGuardedBy(stack, "AgentAuthorizer");

  it("has a REQUEST authorizer whose identity sources are the two headers the function reads", () => {
    const properties = props("AgentAuthorizer");
    expect(properties.Type).to.equal("REQUEST");
    expect(String(properties.IdentitySource).split(/,\s*/)).to.deep.equal([
      `method.request.header.${AGENT_ID_HEADER}`,
      `method.request.header.${AGENT_TOKEN_HEADER}`,
    ]);
    expect(properties.AuthorizerResultTtlInSeconds).to.deep.equal({ Ref: "AuthorizerTtlSeconds" });
    // API Gateway ignores a validation expression on REQUEST authorizers; one here would mislead.
    expect(properties).to.not.have.property("IdentityValidationExpression");
  });

  it("pins the agent routes: exactly GET /agent/tasks and GET /agent/metadata, on the agent function by proxy", () => {
    const routes = agentMethods.map((method) => routeOf(stack, method));
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
      const firstRoute = routeOf(stack, first).replace(" ", "");
      const policy = buildAllowPolicy(arn(firstRoute), AGENT_TOKEN_SCOPES);
      for (const method of agentMethods) {
        const route = routeOf(stack, method).replace(" ", "");
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
    expect(props("AgentAuthorizerFunction").Environment).to.deep.equal({
      Variables: { TOKEN_TABLE_NAME: { Ref: "TokenTable" }, LOG_LEVEL: "INFO" },
    });
  });

  it("pins the agent roles: the authorizer only GetItems the token table (and records last use), the backend touches no table", () => {
    const authorizerActions = permissionsOf("AgentAuthorizerFunctionRole")
      .filter((statement) => !statement.Action.every((action) => action.startsWith("logs:")))
      .map((statement) => [statement.Action, statement.Resource]);
    // The UpdateItem is limited to lastUsedAt by its condition (pinned in api.test.ts).
    expect(authorizerActions).to.deep.equal([
      [["dynamodb:GetItem"], getAtt("TokenTable", "Arn")],
      [["dynamodb:UpdateItem"], getAtt("TokenTable", "Arn")],
    ]);
    const backendActions = permissionsOf("AgentFunctionRole").flatMap((s) => s.Action);
    expect(backendActions.every((action) => action.startsWith("logs:"))).to.equal(true);
    expect(permissionsOf("AgentAuthorizerInvokeRole")).to.deep.equal([
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: getAtt("AgentAuthorizerFunction", "Arn"),
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
