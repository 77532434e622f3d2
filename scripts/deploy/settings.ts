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
 * | `CFN_ROLE_ARN`    | unset: CloudFormation acts as the deployer     |
 * | `PARAMETERS`      | unset: `Key=Value ...` template parameters     |
 *
 * Credentials come from the standard AWS SDK chain (environment, profile, SSO, instance role).
 */
import { createInterface } from "node:readline/promises";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { createAwsClients, nonEmpty, regionFromEnv, resolveIdentity } from "../../lib/aws/aws-clients.js";
import { AWS_TIMING, type CommandIo } from "./stack-events.js";

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
  /**
   * CFN_ROLE_ARN: the CloudFormation service role stack operations run as, so the deployer needs no
   * permission on the stack's resources (cloudformation/iam/deployer-policy.json).
   */
  cfnRoleArn: string | undefined;
  /** PARAMETERS: template parameter values (`AlarmEmail=ops@example.com PermissionsBoundary=arn:...`). */
  parameters: Record<string, string>;
}

export const DEFAULT_STACK_NAME = "apigw-token-auth";

/** The variables checked by pattern: what a valid value is, and the message when it is not. */
const CHECKED = {
  STACK_NAME: [
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    "STACK_NAME is not a valid CloudFormation stack name",
    "a letter, then up to 127 letters, digits and hyphens",
  ],
  // The default stage is the template's StageName default.
  STAGE: [
    /^[A-Za-z0-9_]{1,128}$/,
    "STAGE is not a valid API Gateway stage name",
    "1 to 128 letters, digits and underscores",
  ],
  CFN_ROLE_ARN: [
    /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/,
    "CFN_ROLE_ARN is not an IAM role ARN",
    "arn:aws:iam::<account>:role/<name>, the CloudFormation service role",
  ],
} as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PARAMETER = /^([A-Za-z0-9]{1,255})=(.*)$/;
/** Parameters `make deploy` sets itself, from STAGE, the artifact bucket and the manifest. */
const SET_BY_DEPLOY = /^(StageName|ArtifactBucket|[A-Za-z]+CodeKey)$/;

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
  const checked = (name: keyof typeof CHECKED) => {
    const value = nonEmpty(env[name]);
    const [pattern, message, expected] = CHECKED[name];
    if (value !== undefined && !pattern.test(value)) {
      throw new ApigwTokenAuthError(message, { expected, actual: JSON.stringify(value.slice(0, 140)) });
    }
    return value;
  };
  const stackName = checked("STACK_NAME") ?? DEFAULT_STACK_NAME;
  const stage = checked("STAGE") ?? "v1";
  const artifactBucket = nonEmpty(env.ARTIFACT_BUCKET);
  if (artifactBucket !== undefined) assertBucketName(artifactBucket, "ARTIFACT_BUCKET");
  return {
    stackName,
    region: regionFromEnv(env),
    artifactBucket,
    stage,
    endpoint: nonEmpty(env.AWS_ENDPOINT_URL),
    cfnRoleArn: checked("CFN_ROLE_ARN"),
    parameters: parseParameters(env.PARAMETERS ?? ""),
  };
}

/**
 * What `make deploy` and `make destroy` start from: the settings, the clients, the caller's account
 * and region (which also proves the credentials work), and the artifact bucket they name.
 */
export async function connect(settings: DeploySettings) {
  const clients = createAwsClients(settings);
  const { region, accountId } = await resolveIdentity(clients);
  const artifactBucket =
    settings.artifactBucket ?? defaultArtifactBucket(settings.stackName, accountId, region);
  return { settings, clients, region, accountId, artifactBucket };
}

/** The commands' default `log`: one line on stdout. */
export const printLine = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/** `options`' own io, else stdout, CONFIRM or the terminal (see {@link createConfirm}), and AWS timing. */
export function commandIo(options: Partial<CommandIo>, env: NodeJS.ProcessEnv): CommandIo {
  return {
    log: options.log ?? printLine,
    confirm: options.confirm ?? createConfirm(env),
    timing: options.timing ?? AWS_TIMING,
  };
}

/**
 * PARAMETERS as a map: whitespace-separated `Key=Value` pairs (a value holds no spaces; the template's
 * parameters need none). Every deploy passes the values it is given and the template's defaults for
 * the rest, so give the same PARAMETERS on every deploy of a stack.
 */
function parseParameters(text: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const [, key, value] = PARAMETER.exec(pair) ?? [];
    if (key === undefined || value === undefined || key in parameters) {
      throw new ApigwTokenAuthError("PARAMETERS must be Key=Value pairs, each key once", {
        expected: "for example PARAMETERS='AlarmEmail=ops@example.com Alarm5xxThreshold=10'",
        actual: JSON.stringify(pair.slice(0, 140)),
      });
    }
    if (SET_BY_DEPLOY.test(key)) {
      throw new ApigwTokenAuthError(`PARAMETERS may not set ${key}: make deploy sets it`, {
        expected: "STAGE for the stage name; the bucket and code keys come from the build",
        actual: key,
      });
    }
    parameters[key] = value;
  }
  return parameters;
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
