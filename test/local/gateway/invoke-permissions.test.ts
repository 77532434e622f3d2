import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { loadTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { buildApiModel } from "../../../local/gateway/api-model.js";

const TEMPLATE = fileURLToPath(new URL("./templates/invoke-permissions.yaml", import.meta.url));

function modelWith(parameterOverrides: Record<string, string>) {
  const api = buildApiModel(resolveStack(loadTemplate(TEMPLATE), { parameterOverrides }));
  const method = (path: string) => api.methods.find((m) => m.resourcePath === path)?.integration.invoke;
  return { items: method("/items"), secure: method("/secure"), authorizer: api.authorizers[0]?.invoke, api };
}

describe("local/gateway/invoke-permissions", () => {
  it("finds every method and authorizer of the project's template (JWT part included) invokable", () => {
    const template = loadTemplate("cloudformation/api.yaml");
    const undefaulted = Object.entries(template.Parameters ?? {}).filter(([, p]) => p.Default === undefined);
    const overrides = Object.fromEntries(
      undefaulted.map(([name]) => [name, name.endsWith("Bucket") ? "artifacts" : "code.zip"]),
    );
    const stack = resolveStack(template, {
      parameterOverrides: { ...overrides, JwtIssuer: "https://issuer.example", JwtAudience: "api" },
    });
    const api = buildApiModel(stack);
    const refused = [
      ...api.authorizers.map((a) => [a.logicalId, a.invoke] as const),
      ...api.methods.map((m) => [`${m.httpMethod} ${m.resourcePath}`, m.integration.invoke] as const),
    ].filter(([, invoke]) => invoke !== undefined && !invoke.allowed);
    expect(refused).to.deep.equal([]);
    expect(api.authorizers).to.have.length(3);
  });

  it("allows a method whose permission's SourceArn is its template-form method ARN, exactly or by wildcard", () => {
    const exact = modelWith({ ItemsPermission: "exact" });
    expect(exact.items).to.deep.include({ allowed: true });
    expect(exact.items && "by" in exact.items && exact.items.by).to.match(
      /^AWS::Lambda::Permission ItemsFunctionPermission \(SourceArn arn:aws:execute-api:us-east-1:000000000000:\w+\/v1\/GET\/items\)$/,
    );
    // `*/*/item?`: `*` spans the stage and verb, `?` the last character.
    expect(modelWith({ ItemsPermission: "wildcard" }).items).to.deep.include({ allowed: true });
  });

  it("refuses a method whose permissions cover another stage or another path, naming what exists", () => {
    const { items, api } = modelWith({ ItemsPermission: "other-stage" });
    expect(items?.allowed).to.equal(false);
    const missing = items && "missing" in items ? items.missing : "";
    expect(missing).to.contain(
      `no AWS::Lambda::Permission lets apigateway.amazonaws.com invoke ItemsFunction (arn:aws:lambda:us-east-1:000000000000:function:`,
    );
    expect(missing).to.contain(`from arn:aws:execute-api:us-east-1:000000000000:${api.apiId}/v1/GET/items`);
    expect(missing).to.match(
      /it has ItemsFunctionPermission \(SourceArn [^)]*\/v2\/GET\/items\), SecureItemsPermission/,
    );
  });

  it("matches a permission given by function name", () => {
    expect(modelWith({ ItemsPermission: "none" }).secure).to.deep.include({ allowed: true });
  });

  it("lets an authorizer be invoked through its AuthorizerCredentials role, evaluated with the IAM evaluator", () => {
    const { authorizer } = modelWith({ AuthorizerAccess: "role" });
    expect(authorizer).to.deep.equal({
      allowed: true,
      by: 'role AuthorizerInvokeRole: Allow by policy "AuthorizerInvokeRole/invoke", Statement[0]',
    });
  });

  it("refuses a role without lambda:InvokeFunction, and one API Gateway may not assume", () => {
    const noInvoke = modelWith({ AuthorizerAccess: "role-without-invoke" }).authorizer;
    expect(noInvoke).to.deep.include({ allowed: false });
    expect(noInvoke && "missing" in noInvoke && noInvoke.missing).to.match(
      /^role AuthorizerInvokeRole may not lambda:InvokeFunction AuthFunction \(.*\) \(ImplicitDeny: no statement allows it\)$/,
    );
    const untrusted = modelWith({ AuthorizerAccess: "untrusted-role" }).authorizer;
    expect(untrusted && "missing" in untrusted && untrusted.missing).to.match(
      /^API Gateway does not have permission to assume the provided role arn:aws:iam::000000000000:role\//,
    );
  });

  it("lets an authorizer be invoked by a permission for its authorizer ARN, and refuses it without one", () => {
    expect(modelWith({ AuthorizerAccess: "permission" }).authorizer).to.deep.include({ allowed: true });
    const none = modelWith({ AuthorizerAccess: "none" });
    const missing = none.authorizer && "missing" in none.authorizer ? none.authorizer.missing : "";
    expect(missing).to.contain(
      `from arn:aws:execute-api:us-east-1:000000000000:${none.api.apiId}/authorizers/`,
    );
    expect(missing).to.contain("(the function has none)");
  });
});
