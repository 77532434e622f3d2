/**
 * The shell of `make deploy`, `make destroy`, `make smoke` and `make logs`: settings from the
 * environment (make variables arrive as environment variables, each with a default, so
 * `make deploy` alone deploys a working stack), yes/no questions, and one clear error on failure.
 *
 * | variable          | default                                        |
 * | ----------------- | ---------------------------------------------- |
 * | `STACK_NAME`      | `apigw-token-auth`                             |
 * | `AWS_REGION`      | `AWS_DEFAULT_REGION`, else the profile's region |
 * | `ARTIFACT_BUCKET` | `<stack>-artifacts-<account>-<region>`         |
 * | `STAGE`           | `v1`                                           |
 * | `AWS_ENDPOINT_URL`| unset (AWS); set it to deploy to an emulator   |
 * | `CONFIRM`         | unset: ask on the terminal (no terminal: no)   |
 *
 * Credentials come from the standard AWS SDK chain (environment, profile, SSO, instance role).
 */
import { createInterface } from "node:readline/promises";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { nonEmpty, regionFromEnv } from "../../lib/aws/aws-clients.js";

/** The settings every deploy command works with. */
export interface DeploySettings {
  stackName: string;
  /** Empty when neither AWS_REGION nor AWS_DEFAULT_REGION is set: the SDK then uses the profile's. */
  region: string | undefined;
  /** Empty when ARTIFACT_BUCKET is unset: see {@link defaultArtifactBucket}. */
  artifactBucket: string | undefined;
  stage: string;
  /** AWS_ENDPOINT_URL (the SDK reads it itself; kept to print it and to use path-style S3 URLs). */
  endpoint: string | undefined;
}

/** The stack name when STACK_NAME is unset. */
export const DEFAULT_STACK_NAME = "apigw-token-auth";

/** The stage when STAGE is unset: the template's StageName default. */
export const DEFAULT_STAGE = "v1";

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const STAGE = /^[A-Za-z0-9_]{1,128}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads and validates the settings from the environment.
 *
 * @example
 * ```ts
 * readDeploySettings({ STACK_NAME: "demo", AWS_REGION: "eu-west-1" });
 * // { stackName: "demo", region: "eu-west-1", artifactBucket: undefined, stage: "v1", endpoint: undefined }
 * ```
 */
export function readDeploySettings(env: NodeJS.ProcessEnv = process.env): DeploySettings {
  const stackName = nonEmpty(env.STACK_NAME) ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) {
    throw new ApigwTokenAuthError("STACK_NAME is not a valid CloudFormation stack name", {
      expected: "a letter, then up to 127 letters, digits and hyphens",
      actual: JSON.stringify(stackName.slice(0, 140)),
    });
  }
  const stage = nonEmpty(env.STAGE) ?? DEFAULT_STAGE;
  if (!STAGE.test(stage)) {
    throw new ApigwTokenAuthError("STAGE is not a valid API Gateway stage name", {
      expected: "1 to 128 letters, digits and underscores",
      actual: JSON.stringify(stage.slice(0, 140)),
    });
  }
  const artifactBucket = nonEmpty(env.ARTIFACT_BUCKET);
  if (artifactBucket !== undefined) assertBucketName(artifactBucket, "ARTIFACT_BUCKET");
  return {
    stackName,
    region: regionFromEnv(env),
    artifactBucket,
    stage,
    endpoint: nonEmpty(env.AWS_ENDPOINT_URL),
  };
}

/**
 * The artifact bucket's default name: unique per stack, account and region, because bucket names
 * are global and the Lambda code must sit in the stack's region.
 */
export function defaultArtifactBucket(stackName: string, accountId: string, region: string): string {
  const name = `${stackName.toLowerCase()}-artifacts-${accountId}-${region}`;
  assertBucketName(name, "the default artifact bucket name (set ARTIFACT_BUCKET or a shorter STACK_NAME)");
  return name;
}

function assertBucketName(name: string, what: string): void {
  if (!BUCKET.test(name) || name.includes("..")) {
    throw new ApigwTokenAuthError(`${what} is not a valid S3 bucket name`, {
      expected:
        "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
      actual: JSON.stringify(name.slice(0, 100)),
    });
  }
}

/**
 * A `confirm(question)` for commands that destroy things: `CONFIRM=yes` (or `no`) answers without a
 * terminal, for CI; otherwise the question is asked on the terminal, and without one the answer is
 * no, so a pipeline never deletes a stack by accident.
 */
export function createConfirm(
  env: NodeJS.ProcessEnv = process.env,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stdout,
): (question: string) => Promise<boolean> {
  return async (question) => {
    const preset = nonEmpty(env.CONFIRM)?.toLowerCase();
    if (preset !== undefined) return preset === "yes" || preset === "y";
    if (!input.isTTY) {
      output.write(`${question} [no terminal: answering no; set CONFIRM=yes to proceed]\n`);
      return false;
    }
    const readline = createInterface({ input, output });
    try {
      return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
    } finally {
      readline.close();
    }
  };
}

/**
 * Runs a command (`scripts/deploy.ts`, `destroy.ts`, `smoke.ts`, `logs.ts`); sets `process.exitCode`
 * to its result, or to 1 after printing its error as one message with what was expected and what
 * came, instead of a stack trace.
 *
 * @example
 * ```ts
 * import { runDestroy } from "./destroy-stack.js";
 *
 * await runCommand(async () => ((await runDestroy()) === "declined" ? 1 : 0));
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

/** The lines that describe a failure: message, then expected/actual for the project's errors. */
export function describeError(error: unknown): string[] {
  if (error instanceof ApigwTokenAuthError) {
    return [
      `error: ${error.message}`,
      ...(error.expected === undefined ? [] : [`  expected: ${error.expected}`]),
      ...(error.actual === undefined ? [] : [`  actual:   ${error.actual}`]),
    ];
  }
  // An AWS error this project does not classify still says what AWS said.
  return [error instanceof Error ? `error: ${error.name}: ${error.message}` : `error: ${String(error)}`];
}
