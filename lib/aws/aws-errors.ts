/**
 * Turning AWS SDK failures into messages an operator can act on, for `make deploy`, `make destroy`,
 * `make smoke`, `make logs` and the token CLI against a stack.
 *
 * The SDK's own messages ("Could not load credentials from any providers", "Rate exceeded") say what
 * broke but not what to do; these errors add the fix.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/** The failures this module recognises; each has its own expected state and fix. */
type AwsFailureKind =
  | "no-credentials"
  | "invalid-credentials"
  | "expired-credentials"
  | "access-denied"
  | "throttled"
  | "no-region"
  | "unreachable";

/** Per kind: the SDK error names that mean it, what was expected, and the fix for an operation. */
const FAILURES: Record<AwsFailureKind, { names?: string[]; expected: string; fix: (op: string) => string }> =
  {
    "no-credentials": {
      expected: "credentials from the standard AWS SDK chain",
      fix: () =>
        "no AWS credentials found: set AWS_PROFILE (after `aws sso login` or `aws configure`), or " +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/task role is available",
    },
    "no-region": {
      expected: "AWS_REGION or a profile with a region",
      fix: () => "no AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1)",
    },
    "expired-credentials": {
      names: ["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"],
      expected: "unexpired credentials",
      fix: () => "the AWS credentials have expired: refresh them (for example `aws sso login`)",
    },
    "invalid-credentials": {
      names: [
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "AuthFailure",
      ],
      expected: "valid credentials for this account",
      fix: (op) => `AWS rejected the credentials on ${op}: check AWS_PROFILE / the access key`,
    },
    "access-denied": {
      names: ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"],
      expected: "the permissions in cloudformation/iam/deployer-policy.json",
      fix: (op) =>
        `access denied on ${op}: the deploying identity needs the permissions in ` +
        "cloudformation/iam/deployer-policy.json",
    },
    throttled: {
      names: [
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
      ],
      expected: "a request AWS accepts within the SDK's retries",
      fix: (op) =>
        `AWS throttled ${op} and the SDK's adaptive retries (with backoff) gave up: wait a minute ` +
        "and run the command again",
    },
    unreachable: {
      expected: "a reachable AWS endpoint",
      fix: (op) =>
        `cannot reach AWS for ${op}` +
        (process.env.AWS_ENDPOINT_URL ? ` at AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL}` : ""),
    },
  };

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT"]);

/**
 * The error (saying what to do) for a recognised SDK failure, or `undefined` when `error` is something
 * else (a validation error, a missing stack) that the caller explains itself.
 */
export function classifyAwsError(error: unknown, operation: string): ApigwTokenAuthError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: string }).code;
  const kind = failureKind(error, code);
  if (kind === undefined) return undefined;
  const actual = kind === "unreachable" ? `${code}: ${error.message}` : `${error.name}: ${error.message}`;
  return new ApigwTokenAuthError(FAILURES[kind].fix(operation), {
    expected: FAILURES[kind].expected,
    actual,
    cause: error,
  });
}

function failureKind(error: Error, code: string | undefined): AwsFailureKind | undefined {
  if (error.name === "CredentialsProviderError" || /could not load credentials/i.test(error.message)) {
    return "no-credentials";
  }
  if (/region is missing/i.test(error.message)) return "no-region";
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return "unreachable";
  const kinds = Object.keys(FAILURES) as AwsFailureKind[];
  return kinds.find((kind) => FAILURES[kind].names?.includes(error.name));
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
