/**
 * The user function's errors whose messages the template's integration responses select on.
 *
 * With a non-proxy (`Type: AWS`) Lambda integration, API Gateway picks the HTTP status by matching
 * each integration response's SelectionPattern against the function's error message. The prefixes
 * here are that contract: `BadRequest: ` → 400, `NotFound: ` → 404, any other message → 500
 * (`cloudformation/api.yaml`; a template test keeps the two in step).
 */
import { ApigwTokenAuthError } from "../shared/errors.js";

/** The message prefix the template maps to 400. */
export const BAD_REQUEST_PREFIX = "BadRequest: ";

/** The message prefix the template maps to 404. */
export const NOT_FOUND_PREFIX = "NotFound: ";

/**
 * Input the user function refuses; API Gateway answers 400 `{"message":"<reason>"}`.
 *
 * The reason never repeats the input, so nothing the caller sent is reflected or logged verbatim.
 *
 * @example
 * ```ts
 * throw new BadRequestError("name must be a string", { actual: "number" });
 * // message: "BadRequest: name must be a string"
 * ```
 */
export class BadRequestError extends ApigwTokenAuthError {
  /** The message without its prefix: what the caller is told. */
  readonly reason: string;

  constructor(reason: string, details: { expected?: string; actual?: string } = {}) {
    super(`${BAD_REQUEST_PREFIX}${reason}`, details);
    this.reason = reason;
  }
}

/**
 * A user that does not exist; API Gateway answers 404.
 *
 * @example
 * ```ts
 * throw new UserNotFoundError("alice"); // message: "NotFound: user alice does not exist"
 * ```
 */
export class UserNotFoundError extends ApigwTokenAuthError {
  constructor(id: string) {
    super(`${NOT_FOUND_PREFIX}user ${id} does not exist`, { expected: "an existing user id", actual: id });
  }
}
