/**
 * Reading a Lambda function's configuration from its environment.
 */
import { ApigwTokenAuthError } from "./errors.js";

/**
 * The value of a required environment variable; throws an ApigwTokenAuthError naming it when it
 * is unset or empty, so a misconfigured function fails at start-up with a clear log line.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ApigwTokenAuthError(`environment variable ${name} is not set`, {
      expected: `${name} set by the function's Environment in the template`,
      actual: "unset",
    });
  }
  return value;
}
