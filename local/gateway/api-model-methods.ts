/**
 * Builds one method of the API model from an `AWS::ApiGateway::Method` resource: its authorizer,
 * validator, models, integration and method responses.
 */
import { credentialsOf, functionArnOfUri } from "./api-model-authorizers.js";
import type {
  AuthorizerModel,
  IntegrationModel,
  IntegrationResponseModel,
  MethodModel,
  ModelSchema,
  PassthroughBehavior,
} from "./api-model-types.js";
import { cannotEmulate, invalidTemplate } from "./errors.js";
import { compileWholeMatch } from "./java-regex.js";
import { allowOnly, booleanMap, isTrue, requireString, stringMap } from "./property-checks.js";
import type { ResolvedResource } from "./types.js";

/** What a method refers to by id. */
export interface MethodReferences {
  resourcePaths: Map<string, string>;
  authorizers: Map<string, AuthorizerModel>;
  validators: Map<string, ResolvedResource>;
  models: Map<string, ModelSchema>;
}

const VERBS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"];
/** Default and bounds of TimeoutInMillis (the upper bound can be raised by quota since 2024). */
const DEFAULT_TIMEOUT_MS = 29_000;
const MIN_TIMEOUT_MS = 50;

/**
 * Builds a method; throws a `cannotEmulate` error for ids that point nowhere and for features
 * the local gateway does not emulate (IAM / Cognito auth, API keys, HTTP integrations, ...).
 */
export function buildMethod(
  logicalId: string,
  p: Record<string, unknown>,
  refs: MethodReferences,
): MethodModel {
  allowOnly(logicalId, "", p, [
    "RestApiId",
    "ResourceId",
    "HttpMethod",
    "AuthorizationType",
    "AuthorizerId",
    "RequestValidatorId",
    "RequestModels",
    "RequestParameters",
    "Integration",
    "MethodResponses",
    "OperationName",
    "ApiKeyRequired",
  ]);
  if (isTrue(p.ApiKeyRequired)) {
    throw cannotEmulate(logicalId, "ApiKeyRequired", {
      expected: "false (API keys are not emulated)",
      actual: "true",
    });
  }
  const resourceId = requireString(logicalId, "ResourceId", p.ResourceId);
  const resourcePath = refs.resourcePaths.get(resourceId);
  if (resourcePath === undefined) {
    throw invalidTemplate(logicalId, "ResourceId", {
      expected: "a resource of this API",
      actual: resourceId,
    });
  }
  const httpMethod = requireString(logicalId, "HttpMethod", p.HttpMethod).toUpperCase();
  if (!VERBS.includes(httpMethod)) {
    throw invalidTemplate(logicalId, "HttpMethod", { expected: VERBS.join(", "), actual: httpMethod });
  }
  const validator = optionalRef(logicalId, "RequestValidatorId", p.RequestValidatorId, refs.validators);
  const requestModels = stringMap(logicalId, "RequestModels", p.RequestModels);
  for (const [contentType, name] of Object.entries(requestModels)) {
    if (!refs.models.has(name)) {
      throw invalidTemplate(logicalId, `RequestModels.${contentType}`, {
        expected: "a model of this API",
        actual: name,
      });
    }
  }
  const methodResponses = buildMethodResponses(logicalId, p.MethodResponses);
  return {
    logicalId,
    resourceId,
    resourcePath,
    httpMethod,
    authorizer: buildAuth(logicalId, p, refs),
    requestParameters: booleanMap(logicalId, "RequestParameters", p.RequestParameters),
    validateBody: isTrue(validator?.properties.ValidateRequestBody),
    validateParameters: isTrue(validator?.properties.ValidateRequestParameters),
    requestModels,
    integration: buildIntegration(logicalId, p.Integration, methodResponses),
    methodResponses,
  };
}

function buildAuth(
  logicalId: string,
  p: Record<string, unknown>,
  refs: MethodReferences,
): AuthorizerModel | undefined {
  const type = String(p.AuthorizationType ?? "NONE").toUpperCase();
  if (type === "NONE") return undefined;
  if (type !== "CUSTOM") {
    throw cannotEmulate(logicalId, "AuthorizationType", {
      expected: "NONE or CUSTOM (Lambda authorizers)",
      actual: type,
    });
  }
  const authorizer = optionalRef(logicalId, "AuthorizerId", p.AuthorizerId, refs.authorizers);
  if (!authorizer) {
    throw invalidTemplate(logicalId, "AuthorizerId", {
      expected: "an authorizer for CUSTOM",
      actual: "none",
    });
  }
  return authorizer;
}

function optionalRef<T>(
  logicalId: string,
  property: string,
  id: unknown,
  map: Map<string, T>,
): T | undefined {
  if (id === undefined) return undefined;
  const found = map.get(String(id));
  if (found === undefined) {
    throw invalidTemplate(logicalId, property, { expected: "an id of this API", actual: String(id) });
  }
  return found;
}

function buildMethodResponses(logicalId: string, value: unknown): Map<string, Set<string>> {
  const responses = new Map<string, Set<string>>();
  const list = Array.isArray(value) ? value : [];
  list.forEach((item: Record<string, unknown>, index) => {
    allowOnly(logicalId, `MethodResponses[${index}].`, item ?? {}, [
      "StatusCode",
      "ResponseParameters",
      "ResponseModels",
    ]);
    const status = String(item?.StatusCode ?? "");
    responses.set(
      status,
      new Set(
        Object.keys(
          booleanMap(logicalId, `MethodResponses[${index}].ResponseParameters`, item?.ResponseParameters),
        ),
      ),
    );
  });
  return responses;
}

function buildIntegration(
  logicalId: string,
  value: unknown,
  methodResponses: Map<string, Set<string>>,
): IntegrationModel {
  const p = (value ?? {}) as Record<string, unknown>;
  allowOnly(logicalId, "Integration.", p, [
    "Type",
    "Uri",
    "IntegrationHttpMethod",
    "PassthroughBehavior",
    "RequestTemplates",
    "IntegrationResponses",
    "TimeoutInMillis",
    "Credentials",
    "CacheKeyParameters",
    "CacheNamespace",
    "ConnectionType",
  ]);
  // INTERNET is the default (and what a Lambda integration uses); a VPC link reaches a private load
  // balancer, which does not exist locally.
  const connectionType = p.ConnectionType === undefined ? "INTERNET" : String(p.ConnectionType);
  if (connectionType !== "INTERNET") {
    throw cannotEmulate(logicalId, "Integration.ConnectionType", {
      expected:
        "INTERNET (the default; VPC_LINK integrations reach a private network the local run does not have)",
      actual: connectionType,
    });
  }
  const type = requireString(logicalId, "Integration.Type", p.Type).toUpperCase();
  if (type !== "AWS" && type !== "AWS_PROXY" && type !== "MOCK") {
    throw cannotEmulate(logicalId, "Integration.Type", {
      expected: "AWS, AWS_PROXY or MOCK",
      actual: type,
    });
  }
  let functionArn: string | undefined;
  if (type !== "MOCK") {
    functionArn = functionArnOfUri(p.Uri);
    if (functionArn === undefined) {
      throw cannotEmulate(logicalId, "Integration.Uri", {
        expected: "a Lambda invocation URI (other AWS service integrations are not emulated)",
        actual: JSON.stringify(p.Uri),
      });
    }
    if (String(p.IntegrationHttpMethod ?? "").toUpperCase() !== "POST") {
      throw invalidTemplate(logicalId, "Integration.IntegrationHttpMethod", {
        expected: "POST (Lambda is invoked with POST)",
        actual: String(p.IntegrationHttpMethod),
      });
    }
  }
  const passthroughBehavior = String(p.PassthroughBehavior ?? "WHEN_NO_MATCH").toUpperCase();
  if (!["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"].includes(passthroughBehavior)) {
    throw invalidTemplate(logicalId, "Integration.PassthroughBehavior", {
      expected: "WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER",
      actual: passthroughBehavior,
    });
  }
  const timeoutMs = p.TimeoutInMillis === undefined ? DEFAULT_TIMEOUT_MS : Number(p.TimeoutInMillis);
  if (!Number.isInteger(timeoutMs) || timeoutMs < MIN_TIMEOUT_MS) {
    throw invalidTemplate(logicalId, "Integration.TimeoutInMillis", {
      expected: `an integer of at least ${MIN_TIMEOUT_MS}`,
      actual: String(p.TimeoutInMillis),
    });
  }
  return {
    type,
    functionArn,
    passthroughBehavior: passthroughBehavior as PassthroughBehavior,
    requestTemplates: stringMap(logicalId, "Integration.RequestTemplates", p.RequestTemplates),
    responses:
      type === "AWS_PROXY"
        ? []
        : buildIntegrationResponses(logicalId, p.IntegrationResponses, methodResponses),
    timeoutMs,
    credentials: credentialsOf(logicalId, "Integration.Credentials", p.Credentials),
    invoke: undefined,
  };
}

function buildIntegrationResponses(
  logicalId: string,
  value: unknown,
  methodResponses: Map<string, Set<string>>,
): IntegrationResponseModel[] {
  const list = Array.isArray(value) ? value : [];
  return list.map((item: Record<string, unknown>, index) => {
    const where = `Integration.IntegrationResponses[${index}]`;
    allowOnly(logicalId, `${where}.`, item ?? {}, [
      "StatusCode",
      "SelectionPattern",
      "ResponseParameters",
      "ResponseTemplates",
    ]);
    const statusCode = String(item?.StatusCode ?? "");
    const declared = methodResponses.get(statusCode);
    if (declared === undefined) {
      // API Gateway refuses to deploy an integration response without its method response.
      throw invalidTemplate(logicalId, `${where}.StatusCode`, {
        expected: `a status declared in MethodResponses (${[...methodResponses.keys()].join(", ") || "none"})`,
        actual: statusCode,
      });
    }
    const responseParameters = stringMap(logicalId, `${where}.ResponseParameters`, item?.ResponseParameters);
    for (const name of Object.keys(responseParameters)) {
      if (!declared.has(name)) {
        throw invalidTemplate(logicalId, `${where}.ResponseParameters.${name}`, {
          expected: `declared in the ${statusCode} MethodResponse's ResponseParameters`,
          actual: "not declared",
        });
      }
    }
    const pattern = item?.SelectionPattern;
    const selectionPattern = pattern === undefined || pattern === "" ? undefined : String(pattern);
    if (selectionPattern !== undefined) {
      const compiled = compileWholeMatch(selectionPattern);
      if (typeof compiled === "string") {
        throw cannotEmulate(logicalId, `${where}.SelectionPattern`, { actual: compiled });
      }
    }
    return {
      statusCode,
      selectionPattern,
      responseParameters,
      responseTemplates: stringMap(logicalId, `${where}.ResponseTemplates`, item?.ResponseTemplates),
    };
  });
}
