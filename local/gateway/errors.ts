/**
 * Errors of the local API Gateway: the two a request can hit and the gateway catches by type to
 * answer like API Gateway, and the start-up refusal of a template it cannot emulate.
 *
 * A template the gateway cannot emulate is refused at start-up ({@link cannotEmulate}), naming the
 * resource and property, instead of serving something that behaves unlike AWS.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/**
 * The error for a template the local gateway cannot emulate faithfully, or that is not a valid REST
 * API (dangling ids, missing required properties). Thrown by `createGateway`, never per request;
 * the message names the resource and property.
 *
 * @example
 * ```ts
 * import { cannotEmulate } from "./errors.js";
 *
 * const error = cannotEmulate("UserMethod", "Integration.Type", {
 *   expected: "AWS, AWS_PROXY or MOCK",
 *   actual: "HTTP_PROXY",
 * });
 * error.message; // "cannot emulate UserMethod: Integration.Type (expected AWS, AWS_PROXY or MOCK, got HTTP_PROXY)"
 * ```
 */
export function cannotEmulate(
  logicalId: string,
  property: string,
  details: { expected?: string; actual?: string } = {},
): ApigwTokenAuthError {
  const detail =
    details.expected !== undefined || details.actual !== undefined
      ? ` (expected ${details.expected ?? "something else"}, got ${details.actual ?? "nothing"})`
      : "";
  return new ApigwTokenAuthError(`cannot emulate ${logicalId}: ${property}${detail}`, details);
}

/**
 * A mapping template failed to render or produced something unusable. The gateway answers it the
 * way API Gateway answers a broken mapping (a gateway response chosen by the caller).
 */
export class MappingError extends ApigwTokenAuthError {}

/**
 * The request body is not JSON although a template or model needs it as JSON (API Gateway: 400).
 */
export class BodyParseError extends ApigwTokenAuthError {}
