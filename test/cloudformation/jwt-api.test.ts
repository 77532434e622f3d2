import { existsSync } from "node:fs";
import { expect } from "chai";
import { TOKEN_USES } from "../../handlers/jwt-authorizer/jwt-config.js";
import { parseMethodRules } from "../../handlers/jwt-authorizer/method-rules.js";
import { formatScope, parseScope } from "../../handlers/shared/scope.js";
import type { ResolvedStack } from "../../local/cloudformation/resolved-stack.js";
import {
  apiTemplate,
  methodsGuardedBy,
  permissionsOf,
  type ResourceWithProps,
  resolvedApiStack,
  routeOf,
} from "../support/template.js";

const JWT_RESOURCES = [
  "JwtAuthorizerLogGroup",
  "JwtAuthorizerFunctionRole",
  "JwtAuthorizerFunction",
  "JwtAuthorizerInvokeRole",
  "MeLogGroup",
  "MeFunctionRole",
  "MeFunction",
  "MeFunctionPermission",
  "JwtAuthorizer",
  "MeResource",
  "MeGetMethod",
];

/** The JWT authorizer function's environment variables in a resolved stack. */
function jwtVariables(stack: ResolvedStack): Record<string, string> {
  const environment = stack.resources.JwtAuthorizerFunction?.properties.Environment as
    | { Variables: Record<string, string> }
    | undefined;
  return environment?.Variables ?? {};
}

describe("cloudformation/api.yaml: JWT authorizer and GET /me (issue 6)", () => {
  const template = apiTemplate;
  const resources = template.Resources as Record<string, ResourceWithProps>;

  it("puts every JWT resource behind the HasJwtAuthorizer condition", () => {
    for (const logicalId of JWT_RESOURCES) {
      expect(resources[logicalId]?.Condition, logicalId).to.equal("HasJwtAuthorizer");
    }
  });

  it("deploys without them by default: no user pool or issuer needed", () => {
    const stack = resolvedApiStack();
    for (const logicalId of JWT_RESOURCES) expect(stack.resources, logicalId).to.not.have.property(logicalId);
    expect(stack.resources).to.have.property("AgentAuthorizer");
  });

  for (const [name, overrides] of [
    ["a Cognito user pool", { JwtUserPoolId: "eu-west-1_AbC123", JwtClientId: "client1" }],
    ["a generic issuer", { JwtIssuer: "https://idp.example.com", JwtAudience: "api" }],
  ] as const) {
    it(`creates them with ${name}, passing every setting to the function`, () => {
      const stack = resolvedApiStack(overrides);
      for (const logicalId of JWT_RESOURCES) expect(stack.resources, logicalId).to.have.property(logicalId);
      const variables = jwtVariables(stack);
      expect(variables).to.include({
        JWT_USER_POOL_ID: stack.parameters.JwtUserPoolId,
        JWT_CLIENT_ID: stack.parameters.JwtClientId,
        JWT_ISSUER: stack.parameters.JwtIssuer,
        JWT_JWKS_URI: stack.parameters.JwtJwksUri,
        JWT_AUDIENCE: stack.parameters.JwtAudience,
        JWT_TOKEN_USE: "access",
      });
    });
  }

  it("lists in JWT_METHOD_RULES exactly the methods that use the JWT authorizer", () => {
    const stack = resolvedApiStack({ JwtIssuer: "https://idp.test" });
    const guarded = methodsGuardedBy(stack, "JwtAuthorizer").map((m) =>
      formatScope(parseScope(routeOf(stack, m))),
    );
    const variables = jwtVariables(stack);
    const rules = parseMethodRules(variables.JWT_METHOD_RULES as string).map((rule) => rule.method);
    expect(rules.sort()).to.deep.equal(guarded.sort());
    expect(guarded).to.deep.equal(["GET /me"]);
  });

  it("makes GET /me a proxy integration of the me function behind a TOKEN authorizer on Authorization", () => {
    const authorizer = resources.JwtAuthorizer?.Properties ?? {};
    expect(authorizer.Type).to.equal("TOKEN");
    expect(authorizer.IdentitySource).to.equal("method.request.header.Authorization");
    // The header may carry "Bearer ", which the token-format expression of the other authorizer refuses.
    expect(authorizer).to.not.have.property("IdentityValidationExpression");
    const method = resources.MeGetMethod?.Properties ?? {};
    expect(method.AuthorizerId).to.deep.equal({ Ref: "JwtAuthorizer" });
    expect((method.Integration as { Type: string }).Type).to.equal("AWS_PROXY");
    for (const [logicalId, entryPoint] of [
      ["JwtAuthorizerFunction", "handlers/jwt-authorizer/index.ts"],
      ["MeFunction", "handlers/me/index.ts"],
    ] as const) {
      expect((template.Resources[logicalId] as { Metadata: unknown }).Metadata).to.deep.equal({
        BuildEntryPoint: entryPoint,
      });
      expect(existsSync(entryPoint)).to.equal(true);
    }
  });

  it("offers exactly the token uses the function accepts, plus empty for issuers without token_use", () => {
    expect(template.Parameters?.JwtTokenUse?.AllowedValues).to.have.members([...TOKEN_USES, ""]);
  });

  it("pins the JWT functions' roles: their own logs, no other AWS permission", () => {
    for (const role of ["JwtAuthorizerFunctionRole", "MeFunctionRole"]) {
      const actions = permissionsOf(role).flatMap((statement) => statement.Action);
      expect(actions, role).to.have.members(["logs:CreateLogStream", "logs:PutLogEvents"]);
    }
  });

  it("deploys GET /me with the stage through a handle, since DependsOn cannot name a conditional method", () => {
    const deployment = template.Resources.Deployment as { DependsOn: string[] };
    expect(deployment.DependsOn).to.include("JwtMethodDependencies");
    expect((template.Resources.JwtMethodDependencies as { Metadata: unknown }).Metadata).to.deep.equal({
      MeGetMethod: { "Fn::If": ["HasJwtAuthorizer", { Ref: "MeGetMethod" }, ""] },
    });
  });
});
