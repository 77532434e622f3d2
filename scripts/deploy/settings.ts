/**
 * The shell of `make deploy`, `destroy`, `smoke` and `logs`: settings from the environment (make
 * variables, each with a default; README "Deploy to AWS" lists them), how a command talks to the
 * operator and waits, and one clear error on failure. Credentials come from the standard SDK chain.
 */
import { createInterface } from "node:readline/promises";
import type { waitUntilStackCreateComplete } from "@aws-sdk/client-cloudformation";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { createAwsClients, nonEmpty, regionFromEnv } from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";

export const DEFAULT_STACK_NAME = "apigw-token-auth";

type Rule = readonly [pattern: RegExp, what: string, expected: string];

/** Checked before anything is created, so that a name AWS would refuse fails first. */
const RULES = {
  STACK_NAME: [
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    "a valid CloudFormation stack name",
    "a letter, then up to 127 letters, digits and hyphens",
  ],
  STAGE: [
    /^[A-Za-z0-9_]{1,128}$/,
    "a valid API Gateway stage name",
    "1 to 128 letters, digits and underscores",
  ],
  ARTIFACT_BUCKET: [
    /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "a valid S3 bucket name",
    "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
  ],
  CFN_ROLE_ARN: [
    /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/,
    "an IAM role ARN",
    "arn:aws:iam::<account>:role/<name>, the CloudFormation service role",
  ],
} satisfies Record<string, Rule>;

const PARAMETER = /^([A-Za-z0-9]{1,255})=(.*)$/;
/** Parameters `make deploy` sets itself, from STAGE, the artifact bucket and the manifest. */
const SET_BY_DEPLOY = /^(StageName|ArtifactBucket|[A-Za-z]+CodeKey)$/;

/**
 * Reads and validates the settings from the environment.
 *
 * @example
 * ```ts
 * readDeploySettings({ STACK_NAME: "demo", AWS_REGION: "eu-west-1" });
 * // { stackName: "demo", region: "eu-west-1", stage: "v1", parameters: {}, ...the rest undefined }
 * ```
 */
export function readDeploySettings(env: NodeJS.ProcessEnv = process.env) {
  const read = (variable: keyof typeof RULES) => {
    const value = nonEmpty(env[variable]);
    return value === undefined ? undefined : valid(variable, value, RULES[variable]);
  };
  return {
    stackName: read("STACK_NAME") ?? DEFAULT_STACK_NAME,
    region: regionFromEnv(env), // unset: the SDK takes the profile's region
    artifactBucket: read("ARTIFACT_BUCKET"), // unset: defaultArtifactBucket's name
    stage: read("STAGE") ?? "v1", // the template's StageName default
    // The SDK reads AWS_ENDPOINT_URL itself; kept to print it and to use path-style S3 URLs.
    endpoint: nonEmpty(env.AWS_ENDPOINT_URL),
    // The service role stack operations run as, so the deployer needs no permission on the resources.
    cfnRoleArn: read("CFN_ROLE_ARN"),
    parameters: parseParameters(env.PARAMETERS ?? ""),
  };
}

export type DeploySettings = ReturnType<typeof readDeploySettings>;

function valid(name: string, value: string, [pattern, what, expected]: Rule): string {
  if (!pattern.test(value)) {
    throw new ApigwTokenAuthError(`${name} is not ${what}`, {
      expected,
      actual: JSON.stringify(value.slice(0, 140)),
    });
  }
  return value;
}

/**
 * PARAMETERS: whitespace-separated `Key=Value` pairs (the template's values need no spaces). A deploy
 * passes the template's defaults for the rest, so give the same PARAMETERS on every deploy of a stack.
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

/** Unique per stack, account and region: bucket names are global, and Lambda reads code in its region. */
export function defaultArtifactBucket(stackName: string, accountId: string, region: string): string {
  const name = `${stackName.toLowerCase()}-artifacts-${accountId}-${region}`;
  return valid(
    "the default artifact bucket name (set ARTIFACT_BUCKET or a shorter STACK_NAME)",
    name,
    RULES.ARTIFACT_BUCKET,
  );
}

/**
 * What `make deploy` and `make destroy` start from: the clients, their region, the caller's account
 * (proving the credentials work before anything else) and the artifact bucket's name.
 */
export async function connect(settings: DeploySettings) {
  const clients = createAwsClients(settings);
  const identity = await callAws("sts:GetCallerIdentity", () =>
    clients.sts.send(new GetCallerIdentityCommand({})),
  );
  const region = await callAws("region lookup", () => clients.cloudformation.config.region());
  const accountId = identity.Account ?? "unknown";
  const artifactBucket =
    settings.artifactBucket ?? defaultArtifactBucket(settings.stackName, accountId, region);
  return { clients, region, accountId, artifactBucket };
}

/** The SDK waiters' timing, in seconds (minDelay backing off to maxDelay); the event tail uses minDelay. */
export type WaitTiming = Required<
  Pick<Parameters<typeof waitUntilStackCreateComplete>[0], "minDelay" | "maxDelay" | "maxWaitTime">
>;

export interface CommandIo {
  log: (line: string) => void;
  /** Asks a yes/no question; answers false when nobody can answer (no terminal). */
  confirm: (question: string) => Promise<boolean>;
  timing: WaitTiming;
}

export const printLine = (line: string) => {
  process.stdout.write(`${line}\n`);
};

export function printLines(log: (line: string) => void, lines: readonly string[]): void {
  for (const line of lines) log(line);
}

/**
 * `options`' io, else stdout, {@link createConfirm} and AWS's pace: poll every 3 to 10 s, for up to an
 * hour (CloudFormation times resources out before).
 */
export function commandIo(options: Partial<CommandIo>, env: NodeJS.ProcessEnv): CommandIo {
  return {
    log: options.log ?? printLine,
    confirm: options.confirm ?? createConfirm(env),
    timing: options.timing ?? { minDelay: 3, maxDelay: 10, maxWaitTime: 3600 },
  };
}

/**
 * A `confirm` for commands that destroy things: `CONFIRM=yes` (or `no`) answers for CI; otherwise the
 * terminal is asked, and without one the answer is no, so a pipeline never deletes a stack by accident.
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
 * Runs a command (`scripts/deploy.ts`, `destroy.ts`, `smoke.ts`, `logs.ts`): exit code its result, or
 * 1 after printing its error with what was expected and what came, instead of a stack trace.
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
    printLines(printError, describeError(error));
    process.exitCode = 1;
  }
}

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
