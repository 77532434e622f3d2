/**
 * `Type: MOCK` integrations: the request template's `statusCode` selects the integration response
 * (by SelectionPattern on the status, else the default), typically for CORS preflight.
 */
import {
  type IntegrationInput,
  type IntegrationResult,
  mapIntegrationRequest,
} from "./integration-request.js";
import { mapIntegrationResponse } from "./integration-response.js";

/**
 * Runs a MOCK integration. Without a template, or without a numeric `statusCode` in its output,
 * the status is 200 (see README).
 */
export function runMockIntegration(input: IntegrationInput): IntegrationResult {
  const mapped = mapIntegrationRequest(input);
  if (typeof mapped !== "string") return mapped;
  let status = "200";
  try {
    const parsed = JSON.parse(mapped) as { statusCode?: unknown };
    if (typeof parsed?.statusCode === "number" || /^\d+$/.test(String(parsed?.statusCode))) {
      status = String(parsed.statusCode);
    }
  } catch {
    // Not JSON: API Gateway falls back to the default response as well.
  }
  return mapIntegrationResponse(input, "", status);
}
