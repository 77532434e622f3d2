/**
 * The integration request of non-proxy integrations (AWS, MOCK): template selection by
 * Content-Type, the passthrough behaviours and 415, and rendering; plus the types all integrations share.
 */
import type { ApiModel, MethodModel } from "./api-model-types.js";
import { BodyParseError, MappingError } from "./errors.js";
import type { GatewayError, HttpAnswer } from "./gateway-responses.js";
import { type AuthorizerResult, type GatewayRequest, requestMediaType } from "./request-context.js";
import type { IntegrationTrace } from "./trace.js";
import { renderTemplate, type TemplateInput } from "./vtl.js";

/** Everything an integration needs about the request. */
export interface IntegrationInput {
  api: ApiModel;
  method: MethodModel;
  request: GatewayRequest;
  pathParameters: Record<string, string>;
  /** `$context` variables (with `authorizer` filled when an authorizer ran). */
  context: Record<string, unknown>;
  auth: AuthorizerResult | undefined;
  /** Filled in for the decision trace (selection pattern, invalid proxy response) when tracing. */
  trace?: IntegrationTrace | undefined;
}

/** An integration's answer: a response for the client, or a gateway error to render. */
export type IntegrationResult =
  | { kind: "answer"; answer: HttpAnswer }
  | { kind: "error"; error: GatewayError };

/**
 * A gateway error as an integration result.
 */
export const gatewayError = (type: GatewayError["type"], message: string | null): IntegrationResult => ({
  kind: "error",
  error: { type, message },
});

/**
 * The template input for a request (`$input` over the request body and parameters).
 */
export function templateInputOf(input: IntegrationInput, body: string): TemplateInput {
  return {
    body,
    params: { path: input.pathParameters, querystring: input.request.query, header: input.request.headers },
    context: input.context,
    stageVariables: input.api.stageVariables,
  };
}

/**
 * The integration request body: the matching template rendered, or the body passed through, or a
 * gateway error (415 when the passthrough behaviour forbids passing it; 400 when a template reads a
 * body that is not JSON; 500 for a broken template).
 */
export function mapIntegrationRequest(input: IntegrationInput): string | IntegrationResult {
  const { requestTemplates, passthroughBehavior } = input.method.integration;
  const mediaType = requestMediaType(input.request);
  const entries = Object.entries(requestTemplates);
  const template =
    entries.find(([type]) => type.toLowerCase() === mediaType)?.[1] ?? requestTemplates.$default;
  if (template === undefined) {
    const passes =
      passthroughBehavior === "WHEN_NO_MATCH" ||
      (passthroughBehavior === "WHEN_NO_TEMPLATES" && entries.length === 0);
    return passes ? input.request.body : gatewayError("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type");
  }
  return renderOrError(template, templateInputOf(input, input.request.body));
}

/**
 * Renders a template, turning its failures into the gateway errors API Gateway answers with.
 */
export function renderOrError(template: string, templateInput: TemplateInput): string | IntegrationResult {
  try {
    return renderTemplate(template, templateInput);
  } catch (error) {
    if (error instanceof BodyParseError) return gatewayError("BAD_REQUEST_BODY", error.message);
    if (error instanceof MappingError)
      return gatewayError("API_CONFIGURATION_ERROR", "Internal server error");
    throw error;
  }
}
