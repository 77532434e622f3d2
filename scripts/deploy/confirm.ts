/**
 * Yes/no questions for commands that destroy things: `CONFIRM=yes` (or `no`) answers without a
 * terminal, for CI; otherwise the question is asked on the terminal, and without one the answer
 * is no, so a pipeline never deletes a stack by accident.
 */
import { createInterface } from "node:readline/promises";

/**
 * Creates a `confirm(question)` that follows the rules above.
 *
 * @example
 * ```ts
 * const confirm = createConfirm();
 * if (await confirm("Delete stack demo?")) { ... }
 * ```
 */
export function createConfirm(
  env: NodeJS.ProcessEnv = process.env,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stdout,
): (question: string) => Promise<boolean> {
  return async (question) => {
    const preset = env.CONFIRM?.trim().toLowerCase();
    if (preset !== undefined && preset !== "") return preset === "yes" || preset === "y";
    if (!input.isTTY) {
      output.write(`${question} [no terminal: answering no; set CONFIRM=yes to proceed]\n`);
      return false;
    }
    const readline = createInterface({ input, output });
    try {
      const answer = await readline.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      readline.close();
    }
  };
}
