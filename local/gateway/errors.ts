/**
 * Errors of the local API Gateway: the two a request can hit and the gateway catches by type to
 * answer like API Gateway, and the start-up refusal of a template it cannot emulate.
 *
 * A template the gateway cannot emulate is refused at start-up ({@link cannotEmulate}), naming the
 * resource and property, instead of serving something that behaves unlike AWS; a template that is
 * wrong (a dangling id, a missing or malformed property, a bad regex) is refused as an
 * {@link invalidTemplate}, so a mistake reads as a mistake and not as a limit of the local run.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/**
 * The error for a valid template using something the local gateway does not emulate (an HTTP
 * integration, API keys, a Cognito authorizer). Thrown by `createGateway`, never per request; the
 * message names the resource and property.
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
  return new ApigwTokenAuthError(
    `cannot emulate ${logicalId}: ${property}${describeDetails(details)}`,
    details,
  );
}

/**
 * The error for a template that is wrong — API Gateway would refuse it or misbehave the same way
 * deployed: a dangling id, a missing or malformed property, an invalid regex. Thrown by
 * `createGateway`; the message names the resource and property.
 */
export function invalidTemplate(
  logicalId: string,
  property: string,
  details: { expected?: string; actual?: string } = {},
): ApigwTokenAuthError {
  return new ApigwTokenAuthError(
    `invalid template: ${logicalId}: ${property}${describeDetails(details)}`,
    details,
  );
}

function describeDetails(details: { expected?: string; actual?: string }): string {
  return details.expected !== undefined || details.actual !== undefined
    ? ` (expected ${details.expected ?? "something else"}, got ${details.actual ?? "nothing"})`
    : "";
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
