/**
 * The project's error base class, and the one handler error that is caught by its type everywhere.
 *
 * Every error this project throws on purpose is an `ApigwTokenAuthError` carrying what was expected
 * and what came instead, so a log line or a CLI message says how to fix the input without anyone
 * reading the code. A subclass exists only where some code catches it by type (here
 * `UnauthorizedError`; `handlers/user/user-errors.ts` and `local/gateway/errors.ts` hold the others);
 * everything else is told apart by its message. Handlers, lib, local and scripts all import it from
 * here, the lowest layer.
 */

/** Details an error carries besides its message. */
export interface ErrorDetails {
  /** What the code expected, in words (for example `a string of 3 to 32 letters and digits`). */
  expected?: string;
  /** A description of what came instead; never a secret such as a token. */
  actual?: string;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

/**
 * Base class of every error this project throws on purpose (package `apigw-token-auth`).
 *
 * @example
 * ```ts
 * import { ApigwTokenAuthError } from "./errors.js";
 * import { parseScope } from "./scope.js";
 *
 * try {
 *   parseScope("FETCH /user");
 * } catch (error) {
 *   if (error instanceof ApigwTokenAuthError) console.error(error.message, error.expected, error.actual);
 * }
 * ```
 */
export class ApigwTokenAuthError extends Error {
  readonly expected: string | undefined;
  readonly actual: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/**
 * The one error API Gateway turns into `401 {"message":"Unauthorized"}`.
 *
 * API Gateway compares the Lambda's error message with the exact string `Unauthorized`; any other
 * message becomes a 500. The reason is kept apart from the message so that logs can say why.
 *
 * @example
 * ```ts
 * import { UnauthorizedError } from "./errors.js";
 *
 * const refusal = new UnauthorizedError("unknown token");
 * refusal.message; // "Unauthorized": the string API Gateway turns into a 401
 * refusal.reason; // "unknown token": for the logs only
 * ```
 */
export class UnauthorizedError extends ApigwTokenAuthError {
  /** Why the caller is refused; for logs only, never sent to the caller. */
  readonly reason: string;

  constructor(reason: string) {
    super("Unauthorized");
    this.reason = reason;
  }
}
