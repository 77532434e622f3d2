/**
 * `npm run lint:cfn`: runs the real cfn-lint (the AWS CloudFormation linter, a Python tool) on every
 * template in `cloudformation/`. There is no JavaScript port worth trusting, so a missing cfn-lint is
 * an error with the install hint, never a silent skip.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";

/** The templates directory, relative to the repository root. */
export const TEMPLATES_DIR = "cloudformation";

/**
 * The template files in `dir` (`.yaml`, `.yml`, `.json`), sorted, as paths joined to `dir`.
 */
export function listTemplates(dir: string = TEMPLATES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Runs `command` (cfn-lint) on `templates` with inherited stdio and returns its exit status.
 * Throws an ApigwTokenAuthError when the command cannot be found.
 *
 * @example
 * ```ts
 * process.exitCode = runCfnLint(listTemplates());
 * ```
 */
export function runCfnLint(templates: readonly string[], command = "cfn-lint"): number {
  const result = spawnSync(command, ["--", ...templates], { stdio: "inherit" });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new ApigwTokenAuthError(`${command} is not installed: install it with \`pip install cfn-lint\``, {
      expected: `${command} on PATH`,
      actual: "not found",
    });
  }
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main(): void {
  const templates = listTemplates();
  if (templates.length === 0) {
    console.error(`no templates in ${TEMPLATES_DIR}/`);
    process.exitCode = 1;
    return;
  }
  try {
    process.exitCode = runCfnLint(templates);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
