/**
 * Bearer tokens: their format, how they are generated and how they are stored (as a digest).
 *
 * The token table never holds a token, only its SHA-256 digest, so a leaked table or backup grants
 * nothing. Logs carry {@link digestPrefix}, never the token.
 */

import { createHash, randomInt } from "node:crypto";
import { ApigwTokenAuthError } from "./errors.js";

/**
 * The token format, the same expression as the authorizer's IdentityValidationExpression in
 * `cloudformation/api.yaml` (a template test keeps the two equal). API Gateway answers 401 for a
 * token that does not match without invoking the authorizer; the authorizer checks again because it
 * can be invoked without the gateway.
 */
export const TOKEN_PATTERN = /^[a-zA-Z0-9]{3,32}$/;

/** The length of generated tokens: the longest the format allows, 32 × log2(62) ≈ 190 bits. */
export const GENERATED_TOKEN_LENGTH = 32;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Generates a new random token from the operating system's CSPRNG (uniform over the 62 characters).
 *
 * @example
 * ```ts
 * const token = generateToken(); // "q8ZbQ0x3..." (32 characters)
 * ```
 */
export function generateToken(): string {
  let token = "";
  for (let i = 0; i < GENERATED_TOKEN_LENGTH; i++) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}

/**
 * Throws an ApigwTokenAuthError unless `token` matches {@link TOKEN_PATTERN}.
 *
 * The error says the length and never repeats the token.
 */
export function assertTokenFormat(token: unknown): asserts token is string {
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) {
    throw new ApigwTokenAuthError("token has the wrong format", {
      expected: "3 to 32 letters and digits",
      actual: typeof token === "string" ? `a string of ${token.length} characters` : typeof token,
    });
  }
}

/**
 * The SHA-256 hex digest of a token: the token table's partition key.
 *
 * A plain digest (no salt, no slow hash) is right here: tokens are 190-bit random values, not
 * passwords, so there is nothing to brute-force, and the authorizer must find the record by key.
 *
 * @example
 * ```ts
 * digestToken("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function digestToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * The first 12 hex characters of a digest: enough to tell tokens apart in logs and `token list`,
 * useless to an attacker.
 *
 * @example
 * ```ts
 * digestPrefix(digestToken("abc")); // "ba7816bf8f01"
 * ```
 */
export function digestPrefix(digest: string): string {
  return digest.slice(0, 12);
}
