/**
 * Reading a Lambda function's configuration from its environment.
 */
import { TokenAuthError } from "./errors.js";

/** A required environment variable is missing or empty. */
export class ConfigurationError extends TokenAuthError {}

/**
 * The value of a required environment variable; throws {@link ConfigurationError} naming it when it
 * is unset or empty, so a misconfigured function fails at start-up with a clear log line.
 *
 * @example
 * ```ts
 * const tableName = requireEnv("TOKEN_TABLE_NAME");
 * ```
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ConfigurationError(`environment variable ${name} is not set`, {
      expected: `${name} set by the function's Environment in the template`,
      actual: "unset",
    });
  }
  return value;
}
