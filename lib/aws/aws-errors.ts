/**
 * Turning AWS SDK failures into messages an operator can act on, for `make deploy`, `make destroy`,
 * `make smoke` and the token CLI against a stack.
 *
 * The SDK's own messages ("Could not load credentials from any providers", "Rate exceeded") say what
 * broke but not what to do; these errors add the fix.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/** The failures this module recognises; each has its own expected state. */
type AwsFailureKind =
  | "no-credentials"
  | "invalid-credentials"
  | "expired-credentials"
  | "access-denied"
  | "throttled"
  | "no-region"
  | "unreachable";

const EXPECTED: Record<AwsFailureKind, string> = {
  "no-credentials": "credentials from the standard AWS SDK chain",
  "invalid-credentials": "valid credentials for this account",
  "expired-credentials": "unexpired credentials",
  "access-denied": "the permissions in cloudformation/iam/deployer-policy.json",
  throttled: "a request AWS accepts within the SDK's retries",
  "no-region": "AWS_REGION or a profile with a region",
  unreachable: "a reachable AWS endpoint",
};

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);
const INVALID = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "AuthFailure",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"]);

/**
 * The error (saying what to do) for a recognised SDK failure, or `undefined` when `error` is something
 * else (a validation error, a missing stack) that the caller explains itself.
 *
 * @example
 * ```ts
 * try { await cloudformation.send(command); } catch (error) {
 *   throw classifyAwsError(error, "DescribeStacks") ?? error;
 * }
 * ```
 */
export function classifyAwsError(error: unknown, operation: string): ApigwTokenAuthError | undefined {
  if (!(error instanceof Error)) return undefined;
  const name = error.name;
  const code = (error as { code?: string }).code;
  const actual = `${name}: ${error.message}`;
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(error.message)) {
    return awsAccessError(
      "no-credentials",
      "no AWS credentials found: set AWS_PROFILE (after `aws sso login` or `aws configure`), or " +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/task role is available",
      { actual, cause: error },
    );
  }
  if (/region is missing/i.test(error.message)) {
    return awsAccessError("no-region", "no AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1)", {
      actual,
      cause: error,
    });
  }
  if (EXPIRED.has(name)) {
    return awsAccessError(
      "expired-credentials",
      "the AWS credentials have expired: refresh them (for example `aws sso login`)",
      {
        actual,
        cause: error,
      },
    );
  }
  if (INVALID.has(name)) {
    return awsAccessError(
      "invalid-credentials",
      `AWS rejected the credentials on ${operation}: check AWS_PROFILE / the access key`,
      { actual, cause: error },
    );
  }
  if (DENIED.has(name)) {
    return awsAccessError(
      "access-denied",
      `access denied on ${operation}: the deploying identity needs the permissions in ` +
        "cloudformation/iam/deployer-policy.json",
      { actual, cause: error },
    );
  }
  if (THROTTLING.has(name)) {
    return awsAccessError(
      "throttled",
      `AWS throttled ${operation} and the SDK's adaptive retries (with backoff) gave up: wait a minute ` +
        "and run the command again",
      { actual, cause: error },
    );
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "ETIMEDOUT") {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    return awsAccessError(
      "unreachable",
      `cannot reach AWS for ${operation}${endpoint ? ` at AWS_ENDPOINT_URL=${endpoint}` : ""}`,
      { actual: `${code}: ${error.message}`, cause: error },
    );
  }
  return undefined;
}

/**
 * Calls `send` and rethrows a recognised SDK failure as an {@link AwsAccessError}.
 *
 * @example
 * ```ts
 * const result = await callAws("DescribeStacks", () => cloudformation.send(new DescribeStacksCommand({ StackName })));
 * ```
 */
export async function callAws<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw classifyAwsError(error, operation) ?? error;
  }
}

function awsAccessError(
  kind: AwsFailureKind,
  message: string,
  details: { actual: string; cause: unknown },
): ApigwTokenAuthError {
  return new ApigwTokenAuthError(message, { expected: EXPECTED[kind], ...details });
}
