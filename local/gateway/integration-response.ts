/**
 * Integration responses of non-proxy integrations (AWS, MOCK): selection by SelectionPattern (a
 * whole match, as Java's `matches`), response templates chosen by Accept, response parameters, and
 * the method response.
 */
import { JSONPath } from "jsonpath-plus";
import type { IntegrationResponseModel } from "./api-model-types.js";
import { parameterValue } from "./gateway-responses.js";
import {
  gatewayError,
  type IntegrationInput,
  type IntegrationResult,
  renderOrError,
  templateInputOf,
} from "./integration-request.js";
import { compileWholeMatch } from "./java-regex.js";
import { headerValue } from "./request-context.js";

/**
 * The integration response for `selector` (a Lambda errorMessage, a MOCK status code, or undefined
 * for a successful Lambda call): the first whose pattern matches the whole selector, else the
 * default one (no pattern). Declaration order breaks ties (see README).
 */
export function selectIntegrationResponse(
  responses: readonly IntegrationResponseModel[],
  selector: string | undefined,
): IntegrationResponseModel | undefined {
  if (selector !== undefined) {
    const matched = responses.find((r) => {
      if (r.selectionPattern === undefined) return false;
      const pattern = compileWholeMatch(r.selectionPattern);
      return pattern instanceof RegExp && pattern.test(selector);
    });
    if (matched) return matched;
  }
  return responses.find((r) => r.selectionPattern === undefined);
}

/**
 * Maps an integration's output to the method response: selects the integration response, renders
 * its template (chosen by the first `Accept` media type, default `application/json`), applies
 * response parameters, and sends no body with a 204. No matching response → 500.
 */
export function mapIntegrationResponse(
  input: IntegrationInput,
  body: string,
  selector: string | undefined,
): IntegrationResult {
  const response = selectIntegrationResponse(input.method.integration.responses, selector);
  if (input.trace) {
    input.trace.selectionPattern = response
      ? (response.selectionPattern ?? `default (${response.statusCode})`)
      : "none: no pattern matched and there is no default integration response";
  }
  if (!response) return gatewayError("API_CONFIGURATION_ERROR", "Internal server error");
  const [contentType, template] = chooseTemplate(
    response.responseTemplates,
    headerValue(input.request, "accept"),
  );
  const responseOverride: { header: Record<string, unknown>; status?: unknown } = { header: {} };
  let text = body;
  if (template !== undefined) {
    const context = { ...input.context, responseOverride };
    const rendered = renderOrError(template, { ...templateInputOf(input, body), context });
    if (typeof rendered !== "string") return rendered;
    text = rendered;
  }
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "x-amzn-RequestId": input.request.requestId,
    "x-amz-apigw-id": input.request.extendedRequestId,
  };
  for (const [target, source] of Object.entries(response.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const value = responseParameterValue(source, input, body, selector);
    if (name !== undefined && value !== undefined) headers[name] = value;
  }
  for (const [name, value] of Object.entries(responseOverride.header)) headers[name] = String(value);
  const override = Number(responseOverride.status);
  // API Gateway ignores a status override that is not an integer from 100 to 599.
  const statusCode =
    Number.isInteger(override) && override >= 100 && override <= 599 ? override : Number(response.statusCode);
  return { kind: "answer", answer: { statusCode, headers, body: statusCode === 204 ? "" : text } };
}

function chooseTemplate(
  templates: Record<string, string>,
  accept: string | undefined,
): [string, string | undefined] {
  // Only the first media type of Accept is honoured (API Gateway known issue).
  const wanted = accept?.split(",")[0]?.split(";")[0]?.trim().toLowerCase();
  const entries = Object.entries(templates);
  const exact = wanted ? entries.find(([type]) => type.toLowerCase() === wanted) : undefined;
  const chosen = exact ?? entries.find(([type]) => type.toLowerCase() === "application/json") ?? entries[0];
  return chosen ?? ["application/json", undefined];
}

/**
 * `'literal'`, `integration.response.body[.path]`, `integration.response.header.X` (Lambda sends
 * none) or `method.request.*`. For a Lambda error the errorMessage is read as JSON when it is JSON
 * (API Gateway does this for body-to-header mappings of custom errors).
 */
function responseParameterValue(
  source: string,
  input: IntegrationInput,
  body: string,
  errorMessage: string | undefined,
): string | undefined {
  if (source === "integration.response.body") return body;
  const path = /^integration\.response\.body\.(.+)$/.exec(source)?.[1];
  if (path !== undefined) {
    const document = parseJson(errorMessage) ?? parseJson(body);
    if (document === undefined) return undefined;
    const value = JSONPath({ path: `$.${path}`, json: document as object, wrap: false, eval: "safe" });
    if (value === undefined || value === null) return undefined;
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  if (source.startsWith("integration.response.header.")) return undefined;
  return parameterValue(source, input.request, input.pathParameters);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
