/**
 * The shell around every deploy command (`scripts/deploy.ts`, `destroy.ts`, `smoke.ts`): run the
 * command, and on failure print one clear error (with what was expected and what came instead)
 * and exit non-zero, instead of a stack trace.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/**
 * Runs `command`; sets `process.exitCode` to its result, or to 1 after printing its error.
 *
 * @example
 * ```ts
 * await runCommand(() => runDeploy());
 * ```
 */
export async function runCommand(
  command: () => Promise<number>,
  printError: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (error) {
    for (const line of describeError(error)) printError(line);
    process.exitCode = 1;
  }
}

/**
 * The lines that describe a failure: message, expected/actual for our errors, name and message for
 * anything else (an AWS error we do not classify still says what AWS said).
 *
 * @example
 * ```ts
 * describeError(new ApigwTokenAuthError("stack demo has no output ApiUrl", { expected: "...", actual: "..." }));
 * // ["error: stack demo has no output ApiUrl", "  expected: ...", "  actual:   ..."]
 * ```
 */
export function describeError(error: unknown): string[] {
  if (error instanceof ApigwTokenAuthError) {
    return [
      `error: ${error.message}`,
      ...(error.expected === undefined ? [] : [`  expected: ${error.expected}`]),
      ...(error.actual === undefined ? [] : [`  actual:   ${error.actual}`]),
    ];
  }
  if (error instanceof Error) return [`error: ${error.name}: ${error.message}`];
  return [`error: ${String(error)}`];
}
