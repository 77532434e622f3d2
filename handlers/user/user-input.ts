/**
 * The rules for a user's `id` and `name`, applied by the handler to every event.
 *
 * The template's `UserModel` (JSON Schema draft-04) states the same rules for API Gateway's request
 * validator; a template test asserts both use these values. The handler checks again because it can
 * be invoked without the gateway (and GET's path id is not covered by the model at all).
 *
 * Lengths count Unicode code points, as JSON Schema's `minLength`/`maxLength` do.
 */
import { BadRequestError } from "./user-errors.js";

/** Characters allowed in a user id: safe in a URL path segment without encoding. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const USER_ID_MIN_LENGTH = 1;
export const USER_ID_MAX_LENGTH = 64;

/**
 * A name is any text without control characters (Cc: newlines, NUL, ESC, U+0085), format characters
 * (Cf: U+202E right-to-left override, zero-width characters, BOM), line and paragraph separators
 * (U+2028, U+2029) or lone surrogates (Cs): nothing that breaks a log line or disguises text in a UI.
 * A Unicode-property pattern, which JavaScript (`u` flag, as ajv compiles model patterns) and Java
 * (API Gateway's validator) read alike.
 */
export const USER_NAME_PATTERN = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+$/u;
export const USER_NAME_MIN_LENGTH = 1;
export const USER_NAME_MAX_LENGTH = 128;

/** A valid `PUT /user` body. */
export interface UserInput {
  id: string;
  name: string;
}

/**
 * Checks a user id (from a body or a path) and returns it; throws {@link BadRequestError} otherwise.
 */
export function parseUserId(value: unknown): string {
  return checkString(
    "id",
    value,
    USER_ID_PATTERN,
    USER_ID_MIN_LENGTH,
    USER_ID_MAX_LENGTH,
    "letters, digits, _ and -",
  );
}

/**
 * Checks a user name and returns it; throws {@link BadRequestError} otherwise.
 */
export function parseUserName(value: unknown): string {
  return checkString(
    "name",
    value,
    USER_NAME_PATTERN,
    USER_NAME_MIN_LENGTH,
    USER_NAME_MAX_LENGTH,
    "characters other than control, format, line/paragraph separator and lone surrogate characters",
  );
}

/**
 * Checks a `PUT /user` body: an object with exactly `id` and `name` (like the model's
 * `additionalProperties: false`). Throws {@link BadRequestError} naming the first problem.
 */
export function parseUserInput(value: unknown): UserInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BadRequestError("the body must be a JSON object", {
      expected: 'an object {"id": ..., "name": ...}',
      actual: describe(value),
    });
  }
  const extra = Object.keys(value).filter((key) => key !== "id" && key !== "name");
  if (extra.length > 0) {
    throw new BadRequestError("the body may only have the properties id and name", {
      expected: "id and name",
      actual: `${extra.length} other propert${extra.length === 1 ? "y" : "ies"}`,
    });
  }
  const { id, name } = value as Record<string, unknown>;
  return { id: parseUserId(id), name: parseUserName(name) };
}

function checkString(
  field: string,
  value: unknown,
  pattern: RegExp,
  minLength: number,
  maxLength: number,
  characters: string,
): string {
  if (value === undefined) {
    throw new BadRequestError(`${field} is required`, { expected: "a string", actual: "missing" });
  }
  const expected = `a string of ${minLength} to ${maxLength} ${characters}`;
  if (typeof value !== "string") {
    throw new BadRequestError(`${field} must be a string`, { expected, actual: describe(value) });
  }
  const length = [...value].length;
  if (length < minLength || length > maxLength || !pattern.test(value)) {
    throw new BadRequestError(`${field} must be ${expected}`, {
      expected,
      actual: `a string of ${length} characters`,
    });
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}
