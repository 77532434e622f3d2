/**
 * Typed errors shared by the handlers, the token CLI and the local gateway.
 *
 * Every error carries what was expected and what came instead, so a log line or a CLI message
 * says how to fix the input without anyone reading the code.
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
 * Base class of every error this project throws on purpose.
 *
 * @example
 * ```ts
 * try { parseScope("FETCH /user"); } catch (e) {
 *   if (e instanceof TokenAuthError) console.error(e.message, e.expected, e.actual);
 * }
 * ```
 */
export class TokenAuthError extends Error {
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
 * throw new UnauthorizedError("token not found");
 * // error.message === "Unauthorized", error.reason === "token not found"
 * ```
 */
export class UnauthorizedError extends TokenAuthError {
  /** Why the caller is refused; for logs only, never sent to the caller. */
  readonly reason: string;

  constructor(reason: string) {
    super("Unauthorized");
    this.reason = reason;
  }
}

/** A token that does not have the shape every issued token has. */
export class TokenFormatError extends TokenAuthError {}

/** A scope string that is not `*` or `<VERB> /<path>`. */
export class ScopeFormatError extends TokenAuthError {}

/** A method ARN that is not `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>`. */
export class MethodArnError extends TokenAuthError {}

/** An IAM policy document the gateway cannot evaluate. */
export class PolicyFormatError extends TokenAuthError {}

/** A token record in the token table that does not have the documented shape (fail closed: 500). */
export class TokenRecordError extends TokenAuthError {}

/** The token table could not be read; the authorizer answers 500, never Allow. */
export class TokenStoreError extends TokenAuthError {}
