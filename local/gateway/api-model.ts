/**
 * The REST API as the gateway serves it, built from a resolved stack: resources with their full
 * paths, methods with their authorizer, validator, models and integration, and gateway responses.
 *
 * Every property the emulation does not honour is refused here, at start-up, by resource and
 * property name (see property-checks.ts), so a request never meets a half-understood template.
 */
import { resourcesOfType } from "../cloudformation/resolved-stack.js";
import { buildAuthorizers } from "./api-model-authorizers.js";
import { buildMethod } from "./api-model-methods.js";
import { buildStages, type StageModel } from "./api-model-stage.js";
import type {
  ApiModel,
  AuthorizerModel,
  GatewayResponseModel,
  MethodModel,
  ModelSchema,
} from "./api-model-types.js";
import { cannotEmulate, invalidTemplate } from "./errors.js";
import { invokePermission } from "./invoke-permissions.js";
import { allowOnly, requireString, stringMap } from "./property-checks.js";
import type { ResolvedResource, ResolvedStack } from "./types.js";

export type * from "./api-model-types.js";

const REST_API_PROPERTIES = [
  "Name",
  "Description",
  "EndpointConfiguration",
  "ApiKeySourceType",
  "DisableExecuteApiEndpoint",
  "FailOnWarnings",
  "Tags",
  // TLS settings of the AWS endpoint: the local gateway serves plain HTTP on 127.0.0.1, so they
  // change no response it gives.
  "SecurityPolicy",
  "EndpointAccessMode",
];
/** API Gateway types that cannot change a response of the served API (or that we check elsewhere). */
const HARMLESS_TYPES = new Set([
  "AWS::ApiGateway::Account",
  "AWS::ApiGateway::ApiKey",
  "AWS::ApiGateway::UsagePlan",
  "AWS::ApiGateway::UsagePlanKey",
  "AWS::ApiGateway::DocumentationPart",
  "AWS::ApiGateway::DocumentationVersion",
  "AWS::ApiGateway::ClientCertificate",
]);
const HANDLED_TYPES = new Set([
  "AWS::ApiGateway::RestApi",
  "AWS::ApiGateway::Resource",
  "AWS::ApiGateway::Method",
  "AWS::ApiGateway::Authorizer",
  "AWS::ApiGateway::RequestValidator",
  "AWS::ApiGateway::Model",
  "AWS::ApiGateway::GatewayResponse",
  "AWS::ApiGateway::Deployment",
  "AWS::ApiGateway::Stage",
]);

/** API Gateway's built-in models, usable by name in `RequestModels` without declaring them. */
const BUILT_IN_MODELS: Record<string, ModelSchema> = {
  Empty: { contentType: "application/json", schema: { title: "Empty Schema", type: "object" } },
  Error: {
    contentType: "application/json",
    schema: { title: "Error Schema", type: "object", properties: { message: { type: "string" } } },
  },
};

/**
 * Builds the served API from a resolved stack, one model per stage (the Stage resources' first, then
 * the Deployments' StageName); throws a `cannotEmulate` error for anything the local gateway cannot
 * emulate.
 */
export function buildApiModels(stack: ResolvedStack, restApiLogicalId?: string): ApiModel[] {
  const first = buildApiModel(stack, restApiLogicalId, 0);
  return [first, ...first.otherStages.map((_, index) => buildApiModel(stack, restApiLogicalId, index + 1))];
}

/**
 * Builds the served API for one stage (by its index in {@link buildApiModels}'s order; default the
 * first); throws a `cannotEmulate` error for anything the local gateway cannot emulate.
 */
export function buildApiModel(stack: ResolvedStack, restApiLogicalId?: string, stageIndex = 0): ApiModel {
  const [apiLogicalId, restApi] = pickRestApi(stack, restApiLogicalId);
  allowOnly(apiLogicalId, "", restApi.properties, REST_API_PROPERTIES);
  const apiId = restApi.physicalId;
  const ofApi = (type: string) =>
    resourcesOfType(stack, type).filter(([, r]) => r.properties.RestApiId === apiId) as [
      string,
      ResolvedResource,
    ][];
  refuseUnknownTypes(stack, apiId);

  const resourcePaths = buildResourcePaths(apiLogicalId, restApi, ofApi("AWS::ApiGateway::Resource"));
  const authorizers = buildAuthorizers(ofApi("AWS::ApiGateway::Authorizer"));
  const validators = new Map(
    ofApi("AWS::ApiGateway::RequestValidator").map(([logicalId, r]) => {
      allowOnly(logicalId, "", r.properties, [
        "RestApiId",
        "Name",
        "ValidateRequestBody",
        "ValidateRequestParameters",
      ]);
      return [r.physicalId, r] as const;
    }),
  );
  const models = buildModels(ofApi("AWS::ApiGateway::Model"));
  const stages = buildStages(
    apiLogicalId,
    ofApi("AWS::ApiGateway::Stage"),
    ofApi("AWS::ApiGateway::Deployment"),
  );
  const stage = stages[stageIndex] as StageModel;
  const functionTimeouts = new Map(
    resourcesOfType(stack, "AWS::Lambda::Function").map(([, fn]) => [
      fn.attributes.Arn ?? "",
      Number(fn.properties.Timeout ?? 3),
    ]),
  );
  const methods = ofApi("AWS::ApiGateway::Method").map(([logicalId, r]) =>
    buildMethod(logicalId, r.properties, { resourcePaths, authorizers, validators, models }),
  );
  const seen = new Set<string>();
  for (const method of methods) {
    const key = `${method.httpMethod} ${method.resourceId}`;
    if (seen.has(key)) {
      throw invalidTemplate(method.logicalId, "HttpMethod", {
        expected: "one method per verb and resource",
        actual: `a second ${method.httpMethod} on ${method.resourcePath}`,
      });
    }
    seen.add(key);
  }
  requireTemplateFunctions(stack, authorizers, methods);
  const partition = partitionOf(stack.region);
  const callerBase = `arn:${partition}:execute-api:${stack.region}:${stack.accountId}:${apiId}`;
  for (const authorizer of authorizers.values()) {
    authorizer.invoke = invokePermission(stack, authorizer.functionArn, {
      sourceArn: `${callerBase}/authorizers/${authorizer.id}`,
      credentials: authorizer.credentials,
    });
  }
  for (const method of methods) {
    const { integration } = method;
    if (integration.functionArn === undefined) continue;
    integration.invoke = invokePermission(stack, integration.functionArn, {
      sourceArn: `${callerBase}/${stage.name}/${method.httpMethod}${method.resourcePath}`,
      credentials: integration.credentials,
    });
  }
  return {
    apiId,
    restApiLogicalId: apiLogicalId,
    stageName: stage.name,
    stageVariables: stage.variables,
    stageCreatedBy: stage.createdBy,
    otherStages: stages.filter((other) => other !== stage),
    region: stack.region,
    accountId: stack.accountId,
    partition,
    resourcePaths,
    methods,
    authorizers: [...authorizers.values()],
    models,
    gatewayResponses: buildGatewayResponses(ofApi("AWS::ApiGateway::GatewayResponse")),
    functionTimeouts,
  };
}

/**
 * Every function the API invokes must be one of the template's: the local run can only run those.
 * An ARN from elsewhere, or from a resource it does not model (an alias: a placeholder), is refused
 * here, where the API's own path needs the real value, rather than failing on the first request.
 */
function requireTemplateFunctions(
  stack: ResolvedStack,
  authorizers: Map<string, AuthorizerModel>,
  methods: MethodModel[],
): void {
  const functions = new Set(
    resourcesOfType(stack, "AWS::Lambda::Function").map(([, fn]) => fn.attributes.Arn),
  );
  const check = (logicalId: string, property: string, functionArn: string) => {
    if (functions.has(functionArn)) return;
    throw cannotEmulate(logicalId, property, {
      expected:
        "the Arn of one of the template's AWS::Lambda::Function resources (the local run invokes only those; aliases and versions are not modelled)",
      actual: functionArn,
    });
  };
  for (const authorizer of authorizers.values())
    check(authorizer.logicalId, "AuthorizerUri", authorizer.functionArn);
  for (const method of methods) {
    const { functionArn } = method.integration;
    if (functionArn !== undefined) check(method.logicalId, "Integration.Uri", functionArn);
  }
}

/** The ARN partition of a region, as CloudFormation's AWS::Partition. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

function pickRestApi(stack: ResolvedStack, wanted: string | undefined): [string, ResolvedResource] {
  const apis = resourcesOfType(stack, "AWS::ApiGateway::RestApi");
  if (wanted !== undefined) {
    const found = apis.find(([logicalId]) => logicalId === wanted);
    if (!found) {
      throw cannotEmulate(wanted, "Type", {
        expected: "an AWS::ApiGateway::RestApi",
        actual: "none",
      });
    }
    return found;
  }
  const [only] = apis;
  if (apis.length !== 1 || only === undefined) {
    throw cannotEmulate(stack.stackName, "Resources", {
      expected: "exactly one AWS::ApiGateway::RestApi (or name one with restApiLogicalId)",
      actual: `${apis.length}`,
    });
  }
  return only;
}

function refuseUnknownTypes(stack: ResolvedStack, apiId: string): void {
  for (const [logicalId, r] of Object.entries(stack.resources)) {
    if (!r.type.startsWith("AWS::ApiGateway::") && !r.type.startsWith("AWS::ApiGatewayV2::")) continue;
    if (HANDLED_TYPES.has(r.type) || HARMLESS_TYPES.has(r.type)) continue;
    if (r.type.startsWith("AWS::ApiGateway::") && r.properties.RestApiId !== apiId) continue;
    throw cannotEmulate(logicalId, "Type", {
      expected: `one of ${[...HANDLED_TYPES, ...HARMLESS_TYPES].join(", ")}`,
      actual: r.type,
    });
  }
}

function buildResourcePaths(
  apiLogicalId: string,
  restApi: ResolvedResource,
  resources: [string, ResolvedResource][],
): Map<string, string> {
  const rootId = requireString(apiLogicalId, "RootResourceId (attribute)", restApi.attributes.RootResourceId);
  const byId = new Map(resources.map(([logicalId, r]) => [r.physicalId, { logicalId, r }]));
  const paths = new Map<string, string>([[rootId, "/"]]);
  const pathOf = (id: string, depth: number): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const entry = byId.get(id);
    if (!entry || depth > resources.length) {
      throw invalidTemplate(apiLogicalId, `resource ${id}`, {
        expected: "a resource of this API (or its root)",
        actual: entry ? "a cycle of ParentId" : "an unknown id",
      });
    }
    const { logicalId, r } = entry;
    allowOnly(logicalId, "", r.properties, ["RestApiId", "ParentId", "PathPart"]);
    const part = requireString(logicalId, "PathPart", r.properties.PathPart);
    const parent = requireString(logicalId, "ParentId", r.properties.ParentId);
    const parentPath = pathOf(parent, depth + 1);
    const path = `${parentPath === "/" ? "" : parentPath}/${part}`;
    paths.set(id, path);
    return path;
  };
  for (const [, r] of resources) pathOf(r.physicalId, 0);
  return paths;
}

function buildModels(resources: [string, ResolvedResource][]): Map<string, ModelSchema> {
  const models = new Map(Object.entries(BUILT_IN_MODELS));
  for (const [logicalId, r] of resources) {
    allowOnly(logicalId, "", r.properties, ["RestApiId", "Name", "ContentType", "Schema", "Description"]);
    const raw = r.properties.Schema;
    let schema: unknown = raw;
    if (typeof raw === "string") {
      try {
        schema = JSON.parse(raw);
      } catch {
        throw invalidTemplate(logicalId, "Schema", {
          expected: "a JSON schema",
          actual: "invalid JSON",
        });
      }
    }
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw invalidTemplate(logicalId, "Schema", {
        expected: "a JSON schema object",
        actual: typeof schema,
      });
    }
    const contentType = typeof r.properties.ContentType === "string" ? r.properties.ContentType : undefined;
    models.set(r.physicalId, { contentType, schema: schema as Record<string, unknown> });
  }
  return models;
}

function buildGatewayResponses(resources: [string, ResolvedResource][]): Map<string, GatewayResponseModel> {
  const responses = new Map<string, GatewayResponseModel>();
  for (const [logicalId, r] of resources) {
    allowOnly(logicalId, "", r.properties, [
      "RestApiId",
      "ResponseType",
      "StatusCode",
      "ResponseParameters",
      "ResponseTemplates",
    ]);
    const type = requireString(logicalId, "ResponseType", r.properties.ResponseType);
    if (type === "REQUEST_TOO_LARGE") {
      throw cannotEmulate(logicalId, "ResponseType", {
        expected: "a customisable type (API Gateway does not customise REQUEST_TOO_LARGE)",
        actual: type,
      });
    }
    const status = r.properties.StatusCode;
    responses.set(type, {
      logicalId,
      type,
      statusCode: status === undefined ? undefined : String(status),
      responseParameters: stringMap(logicalId, "ResponseParameters", r.properties.ResponseParameters),
      responseTemplates: stringMap(logicalId, "ResponseTemplates", r.properties.ResponseTemplates),
    });
  }
  return responses;
}
