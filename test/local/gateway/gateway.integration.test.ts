/**
 * createGateway itself: the stage prefix, payload limit, describe(), and refusing templates it
 * cannot emulate (resource and property named).
 */
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { createGateway } from "../../../local/gateway/gateway.js";
import { policy, result, send, startTestGateway, type TestGateway } from "./harness.js";

/** A minimal API (one MOCK GET /ping) with `extra` merged into its resources. */
function stackWith(extra: Record<string, unknown>, methodPatch: Record<string, unknown> = {}) {
  const template = {
    Resources: {
      Fn: {
        Type: "AWS::Lambda::Function",
        Properties: { Runtime: "nodejs22.x", Handler: "index.handler", Role: "r", Code: { ZipFile: "x" } },
      },
      Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "t" } },
      Ping: {
        Type: "AWS::ApiGateway::Resource",
        Properties: {
          RestApiId: { Ref: "Api" },
          ParentId: { "Fn::GetAtt": ["Api", "RootResourceId"] },
          PathPart: "ping",
        },
      },
      GetPing: {
        Type: "AWS::ApiGateway::Method",
        Properties: {
          RestApiId: { Ref: "Api" },
          ResourceId: { Ref: "Ping" },
          HttpMethod: "GET",
          AuthorizationType: "NONE",
          Integration: { Type: "MOCK", IntegrationResponses: [{ StatusCode: "200" }] },
          MethodResponses: [{ StatusCode: "200" }],
          ...methodPatch,
        },
      },
      Deployment: {
        Type: "AWS::ApiGateway::Deployment",
        Properties: { RestApiId: { Ref: "Api" }, StageName: "v1" },
      },
      ...extra,
    },
  };
  return resolveStack(parseTemplate(JSON.stringify(template)));
}

const lambda = { invoke: async () => ({ kind: "crash" as const, message: "unused" }) };

function refusal(extra: Record<string, unknown>, methodPatch?: Record<string, unknown>): ApigwTokenAuthError {
  try {
    createGateway({ stack: stackWith(extra, methodPatch), lambda });
  } catch (error) {
    if (error instanceof ApigwTokenAuthError) return error;
    throw error;
  }
  throw new Error("expected createGateway to refuse the template");
}

describe("local gateway: createGateway", () => {
  describe("serving", () => {
    let api: TestGateway;
    beforeEach(async () => {
      api = await startTestGateway("token-aws", {
        AuthFunction: () => result(policy("Allow", "*")),
        BackendFunction: () => result(null),
      });
    });
    afterEach(() => api.stop());

    it("serves only under /<stage>: other paths get 403 Forbidden", async () => {
      for (const path of ["/", "/user", "/v2/user", "/v1user"]) {
        const res = await send(`${api.origin}${path}`);
        expect(res.status, path).to.equal(403);
        expect(res.json()).to.deep.equal({ message: "Forbidden" });
      }
      expect((await send(`${api.url}`)).json()).to.deep.equal({ message: "Missing Authentication Token" });
    });

    it("answers 413 to a payload over 10 MB without calling anything", async () => {
      const res = await send(`${api.url}/user`, {
        method: "PUT",
        headers: { Authorization: "abc123", "Content-Type": "application/json" },
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
      });
      expect(res.status).to.equal(413);
      expect(api.calls).to.deep.equal({});
    });

    it("describes its routes and authorizers", () => {
      expect(api.gateway.describe()).to.deep.equal({
        apiId: api.gateway.apiId,
        stageName: "v1",
        routes: ["GET /user/{id}", "OPTIONS /user", "PUT /user"],
        authorizers: [
          {
            id: api.gateway.describe().authorizers[0]?.id,
            logicalId: "Authorizer",
            type: "TOKEN",
            ttlSeconds: 300,
          },
        ],
      });
    });
  });

  describe("refuses a template mistake as an invalid template, naming resource and property", () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string, string][] = [
      [
        "an integration response without its method response",
        {},
        { Integration: { Type: "MOCK", IntegrationResponses: [{ StatusCode: "201" }] } },
        "GetPing",
        "Integration.IntegrationResponses[0].StatusCode",
      ],
      ["a method on an unknown resource", {}, { ResourceId: "nope" }, "GetPing", "ResourceId"],
      ["a verb that is not one", {}, { HttpMethod: "FETCH" }, "GetPing", "HttpMethod"],
      ["CUSTOM without an authorizer", {}, { AuthorizationType: "CUSTOM" }, "GetPing", "AuthorizerId"],
      [
        "an authorizer TTL above 3600",
        {
          Auth: {
            Type: "AWS::ApiGateway::Authorizer",
            Properties: {
              RestApiId: { Ref: "Api" },
              Type: "TOKEN",
              AuthorizerUri: {
                "Fn::Sub":
                  "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations",
              },
              IdentitySource: "method.request.header.Authorization",
              AuthorizerResultTtlInSeconds: 7200,
            },
          },
        },
        undefined,
        "Auth",
        "AuthorizerResultTtlInSeconds",
      ],
    ];
    for (const [name, extra, patch, logicalId, property] of cases) {
      it(`refuses ${name}`, () => {
        const error = refusal(extra, patch);
        expect(error.message).to.contain(`invalid template: ${logicalId}: ${property}`);
        expect(error.message).to.not.contain("cannot emulate");
      });
    }
  });

  describe("refuses what it cannot emulate, naming resource and property", () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string, string][] = [
      ["IAM authorization", {}, { AuthorizationType: "AWS_IAM" }, "GetPing", "AuthorizationType"],
      ["API keys", {}, { ApiKeyRequired: true }, "GetPing", "ApiKeyRequired"],
      [
        "an HTTP integration",
        {},
        { Integration: { Type: "HTTP_PROXY", Uri: "https://example.com", IntegrationHttpMethod: "GET" } },
        "GetPing",
        "Integration.Type",
      ],
      [
        "an integration ContentHandling",
        {},
        { Integration: { Type: "MOCK", ContentHandling: "CONVERT_TO_TEXT" } },
        "GetPing",
        "Integration.ContentHandling",
      ],
      [
        "a Java-only SelectionPattern",
        {},
        {
          Integration: {
            Type: "MOCK",
            IntegrationResponses: [{ StatusCode: "200", SelectionPattern: "(?s).*" }],
          },
        },
        "GetPing",
        "Integration.IntegrationResponses[0].SelectionPattern",
      ],
      [
        "a Cognito authorizer",
        {
          Cognito: {
            Type: "AWS::ApiGateway::Authorizer",
            Properties: { RestApiId: { Ref: "Api" }, Type: "COGNITO_USER_POOLS", ProviderARNs: ["arn"] },
          },
        },
        undefined,
        "Cognito",
        "ProviderARNs",
      ],
      [
        "a resource policy",
        { Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "t", Policy: {} } } },
        undefined,
        "Api",
        "Policy",
      ],
      [
        "binary media types",
        {
          Api: {
            Type: "AWS::ApiGateway::RestApi",
            Properties: { Name: "t", BinaryMediaTypes: ["image/png"] },
          },
        },
        undefined,
        "Api",
        "BinaryMediaTypes",
      ],
      [
        "a REQUEST_TOO_LARGE gateway response",
        {
          Big: {
            Type: "AWS::ApiGateway::GatewayResponse",
            Properties: { RestApiId: { Ref: "Api" }, ResponseType: "REQUEST_TOO_LARGE" },
          },
        },
        undefined,
        "Big",
        "ResponseType",
      ],
    ];
    for (const [name, extra, patch, logicalId, property] of cases) {
      it(`refuses ${name}`, () => {
        const error = refusal(extra, patch);
        expect(error.message).to.contain(`cannot emulate ${logicalId}: ${property}`);
      });
    }

    it("accepts the minimal API", () => {
      expect(createGateway({ stack: stackWith({}), lambda }).stageName).to.equal("v1");
    });
  });
});
