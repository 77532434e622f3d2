/**
 * `Type: AWS` Lambda integrations (non-proxy): the request mapped by its template, the function
 * invoked, and its result or error mapped by the integration responses (SelectionPattern on the
 * Lambda `errorMessage`).
 */
import {
  gatewayError,
  type IntegrationInput,
  type IntegrationResult,
  mapIntegrationRequest,
} from "./integration-request.js";
import { mapIntegrationResponse } from "./integration-response.js";
import { callLambda } from "./lambda-call.js";
import type { LambdaInvoker } from "./types.js";

/**
 * Runs a non-proxy Lambda integration.
 *
 * A function timeout or crash reaches the integration responses as the error Lambda itself reports
 * (`Task timed out after 3.00 seconds`, `Runtime exited ...`), so selection patterns apply to it as
 * on AWS; only the integration timeout answers 504 directly.
 */
export async function runAwsIntegration(
  input: IntegrationInput,
  lambda: LambdaInvoker,
): Promise<IntegrationResult> {
  const mapped = mapIntegrationRequest(input);
  if (typeof mapped !== "string") return mapped;
  let event: unknown;
  try {
    // Lambda takes a JSON payload; an empty one is sent as {}.
    event = mapped.trim() === "" ? {} : JSON.parse(mapped);
  } catch {
    return gatewayError("API_CONFIGURATION_ERROR", "Internal server error");
  }
  const { integration } = input.method;
  const functionArn = integration.functionArn as string;
  const outcome = await callLambda(lambda, functionArn, event, integration.timeoutMs);
  switch (outcome.kind) {
    case "integration-timeout":
      return gatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out");
    case "throttled":
      return gatewayError("THROTTLED", "Too Many Requests");
    case "result":
      return mapIntegrationResponse(input, JSON.stringify(outcome.payload ?? null), undefined);
    case "error":
      return lambdaError(input, outcome.errorType, outcome.errorMessage, outcome.trace ?? []);
    case "timeout": {
      const seconds = input.api.functionTimeouts.get(functionArn) ?? 3;
      return lambdaError(input, "Sandbox.Timedout", `Task timed out after ${seconds.toFixed(2)} seconds`, []);
    }
    case "crash":
      return lambdaError(input, "Runtime.ExitError", `Runtime exited with error: ${outcome.message}`, []);
  }
}

/** Lambda's error payload (Node.js runtime shape) mapped by errorMessage. */
function lambdaError(
  input: IntegrationInput,
  errorType: string,
  errorMessage: string,
  trace: string[],
): IntegrationResult {
  const body = JSON.stringify({ errorType, errorMessage, trace });
  return mapIntegrationResponse(input, body, errorMessage);
}
