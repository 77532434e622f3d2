/**
 * AWS SDK failures as messages an operator can act on (deploy commands and the token CLI): the SDK's
 * own ("Could not load credentials from any providers", "Rate exceeded") say what broke, not what to do.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

type SdkError = Error & { code?: string };

/** Network failures: the endpoint (AWS, or AWS_ENDPOINT_URL's emulator) cannot be reached. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT"]);

const named = (pattern: RegExp) => (error: SdkError) => pattern.test(error.name);

/** The failures recognised, first match wins: how to tell, what was expected, and the fix. */
const FAILURES: { is: (error: SdkError) => boolean; expected: string; fix: (op: string) => string }[] = [
  {
    is: (error) =>
      error.name === "CredentialsProviderError" || /could not load credentials/i.test(error.message),
    expected: "credentials from the standard AWS SDK chain",
    fix: () =>
      "no AWS credentials found: set AWS_PROFILE (after `aws sso login` or `aws configure`), or " +
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/task role is available",
  },
  {
    is: (error) => /region is missing/i.test(error.message),
    expected: "AWS_REGION or a profile with a region",
    fix: () => "no AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1)",
  },
  {
    is: (error) => UNREACHABLE_CODES.has(error.code ?? ""),
    expected: "a reachable AWS endpoint",
    fix: (op) =>
      `cannot reach AWS for ${op}` +
      (process.env.AWS_ENDPOINT_URL ? ` at AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL}` : ""),
  },
  {
    is: named(/^(ExpiredToken(Exception)?|TokenRefreshRequired)$/),
    expected: "unexpired credentials",
    fix: () => "the AWS credentials have expired: refresh them (for example `aws sso login`)",
  },
  {
    is: named(
      /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidAccessKeyId|AuthFailure)$/,
    ),
    expected: "valid credentials for this account",
    fix: (op) => `AWS rejected the credentials on ${op}: check AWS_PROFILE / the access key`,
  },
  {
    is: named(/^(AccessDenied(Exception)?|UnauthorizedOperation|Forbidden)$/),
    expected: "the permissions in cloudformation/iam/deployer-policy.json",
    fix: (op) =>
      `access denied on ${op}: the deploying identity needs the permissions in ` +
      "cloudformation/iam/deployer-policy.json",
  },
  {
    // Throttling, ThrottlingException, RequestThrottled(Exception), SlowDown (S3), ...
    is: named(/Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|^SlowDown$/),
    expected: "a request AWS accepts within the SDK's retries",
    fix: (op) =>
      `AWS throttled ${op} and the SDK's adaptive retries (with backoff) gave up: wait a minute ` +
      "and run the command again",
  },
];

/**
 * The error saying what to do for a recognised SDK failure, or `undefined` for anything else (a
 * validation error, a missing stack) that the caller explains itself.
 */
export function classifyAwsError(error: unknown, operation: string): ApigwTokenAuthError | undefined {
  if (!(error instanceof Error)) return undefined;
  const failure = FAILURES.find((candidate) => candidate.is(error));
  if (failure === undefined) return undefined;
  const { code } = error as SdkError;
  const name = code !== undefined && UNREACHABLE_CODES.has(code) ? code : error.name;
  return new ApigwTokenAuthError(failure.fix(operation), {
    expected: failure.expected,
    actual: `${name}: ${error.message}`,
    cause: error,
  });
}

/**
 * Calls `send` and rethrows a recognised SDK failure as the error that says what to do.
 *
 * @example
 * ```ts
 * import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
 *
 * const cloudformation = new CloudFormationClient({});
 * const { Stacks } = await callAws("cloudformation:DescribeStacks", () =>
 *   cloudformation.send(new DescribeStacksCommand({ StackName: "demo" })),
 * );
 * // no credentials, throttling, access denied...: an error saying what to do, with what AWS said
 * ```
 */
export async function callAws<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw classifyAwsError(error, operation) ?? error;
  }
}
