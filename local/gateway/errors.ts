/**
 * Typed errors of the local API Gateway.
 *
 * A template the gateway cannot emulate is refused at start-up with {@link GatewayConfigError},
 * naming the resource and property, instead of serving something that behaves unlike AWS.
 */
import { TokenAuthError } from "../../handlers/shared/errors.js";

/**
 * The template asks for something the local gateway cannot emulate faithfully, or is not a valid
 * REST API (dangling ids, missing required properties). Thrown by `createGateway`, never per request.
 *
 * @example
 * ```ts
 * throw new GatewayConfigError("UserMethod", "Integration.Type", {
 *   expected: "AWS, AWS_PROXY or MOCK", actual: "HTTP_PROXY" });
 * // message: "cannot emulate UserMethod: Integration.Type (expected AWS, AWS_PROXY or MOCK, got HTTP_PROXY)"
 * ```
 */
export class GatewayConfigError extends TokenAuthError {
  /** Logical id of the offending resource. */
  readonly logicalId: string;
  /** Property path inside that resource, e.g. `Integration.IntegrationResponses[0].ContentHandling`. */
  readonly property: string;

  constructor(logicalId: string, property: string, details: { expected?: string; actual?: string } = {}) {
    const detail =
      details.expected !== undefined || details.actual !== undefined
        ? ` (expected ${details.expected ?? "something else"}, got ${details.actual ?? "nothing"})`
        : "";
    super(`cannot emulate ${logicalId}: ${property}${detail}`, details);
    this.logicalId = logicalId;
    this.property = property;
  }
}

/**
 * A mapping template failed to render or produced something unusable. The gateway answers it the
 * way API Gateway answers a broken mapping (a gateway response chosen by the caller).
 *
 * @example
 * ```ts
 * throw new MappingError("request template is not valid JSON", { actual: "{oops" });
 * ```
 */
export class MappingError extends TokenAuthError {}

/**
 * The request body is not JSON although a template or model needs it as JSON (API Gateway: 400).
 *
 * @example
 * ```ts
 * throw new BodyParseError("Could not parse request body into json: Unexpected token o");
 * ```
 */
export class BodyParseError extends TokenAuthError {}
