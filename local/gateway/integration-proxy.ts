/**
 * `Type: AWS_PROXY` Lambda integrations: the proxy event (reference §11.1) and the validation of
 * the function's response (§11.2: anything malformed, and any function error, is a 502).
 */
import type { HttpAnswer } from "./gateway-responses.js";
import { gatewayError, type IntegrationInput, type IntegrationResult } from "./integration-request.js";
import { callLambda } from "./lambda-call.js";
import { proxyEvent } from "./proxy-event.js";
import type { LambdaInvoker } from "./types.js";

const RESPONSE_KEYS = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

const BAD_GATEWAY: IntegrationResult = {
  kind: "error",
  error: { type: "DEFAULT_5XX", message: "Internal server error", status: 502 },
};

/**
 * Runs a Lambda proxy integration.
 */
export async function runProxyIntegration(
  input: IntegrationInput,
  lambda: LambdaInvoker,
): Promise<IntegrationResult> {
  const { api, request, method, pathParameters, context, auth } = input;
  const event = proxyEvent(api, request, { method, pathParameters }, context, auth);
  const outcome = await callLambda(
    lambda,
    method.integration.functionArn as string,
    event,
    method.integration.timeoutMs,
  );
  if (outcome.kind === "integration-timeout")
    return gatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out");
  if (outcome.kind === "throttled") return gatewayError("THROTTLED", "Too Many Requests");
  if (outcome.kind !== "result") return BAD_GATEWAY;
  const answer = proxyResponse(outcome.payload);
  if (!answer) {
    if (input.trace) input.trace.invalidResponse = describeInvalidProxyResponse(outcome.payload);
    return BAD_GATEWAY;
  }
  answer.headers["x-amzn-RequestId"] = request.requestId;
  answer.headers["x-amz-apigw-id"] = request.extendedRequestId;
  return { kind: "answer", answer };
}

/**
 * The HTTP answer for a proxy function's result, or undefined when API Gateway would answer 502.
 */
export function proxyResponse(payload: unknown): HttpAnswer | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  const result = payload as Record<string, unknown>;
  if (!Object.keys(result).every((key) => RESPONSE_KEYS.has(key))) return undefined;
  const statusCode = result.statusCode === undefined ? 200 : Number(result.statusCode);
  if (typeof result.statusCode === "string" && !/^\d+$/.test(result.statusCode)) return undefined;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== "string") return undefined;
  if (result.isBase64Encoded !== undefined && typeof result.isBase64Encoded !== "boolean") return undefined;
  const headers = mergeHeaders(result.headers, result.multiValueHeaders);
  if (!headers) return undefined;
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
    headers["Content-Type"] = "application/json";
  }
  // isBase64Encoded without binary media types (refused at start-up): the text is returned as is.
  return { statusCode, headers, body: (result.body as string | null | undefined) ?? "" };
}

/** multiValueHeaders then headers, merged case-insensitively under the multi-value spelling. */
function mergeHeaders(single: unknown, multi: unknown): Record<string, string> | undefined {
  const merged = new Map<string, { name: string; values: string[] }>();
  const add = (name: string, value: unknown) => {
    const key = name.toLowerCase();
    const entry = merged.get(key) ?? { name, values: [] };
    entry.values.push(String(value));
    merged.set(key, entry);
  };
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== "object" || Array.isArray(multi)) return undefined;
    for (const [name, values] of Object.entries(multi)) {
      if (!Array.isArray(values) || !values.every(isScalar)) return undefined;
      for (const value of values) add(name, value);
    }
  }
  if (single !== undefined && single !== null) {
    if (typeof single !== "object" || Array.isArray(single)) return undefined;
    for (const [name, value] of Object.entries(single)) {
      if (!isScalar(value)) return undefined;
      add(name, value);
    }
  }
  return Object.fromEntries([...merged.values()].map(({ name, values }) => [name, values.join(", ")]));
}

function isScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/**
 * Why a proxy function's result is not a proxy response, in words (for the trace; only called
 * when {@link proxyResponse} refused it).
 */
function describeInvalidProxyResponse(payload: unknown): string {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return `the function returned ${payload === null ? "null" : Array.isArray(payload) ? "an array" : typeof payload}, not { statusCode, headers, body }`;
  }
  const extra = Object.keys(payload).filter((key) => !RESPONSE_KEYS.has(key));
  if (extra.length > 0) {
    return `the function's response has keys a proxy response may not have: ${extra.join(", ")} (allowed: ${[...RESPONSE_KEYS].join(", ")})`;
  }
  const { statusCode, body } = payload as Record<string, unknown>;
  if (body !== undefined && body !== null && typeof body !== "string") {
    return `the function's response body is ${typeof body}, not a string (JSON.stringify it)`;
  }
  return `the function's response is malformed (statusCode ${JSON.stringify(statusCode)}, or headers/isBase64Encoded of the wrong type)`;
}
