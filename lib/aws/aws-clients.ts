/**
 * The SDK clients of the deploy commands and the token CLI: the standard credential chain, the settings'
 * region (or the profile's), adaptive retries (backoff with jitter plus client-side rate limiting, so
 * throttling is retried, not fatal), and `AWS_ENDPOINT_URL` (the SDK's own) for emulators such as moto.
 */
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";

export type AwsClients = ReturnType<typeof createAwsClients>;

/** How many times the SDK tries a request before giving up (its default is 3). */
export const MAX_ATTEMPTS = 8;

export function commonClientConfig(settings: { region?: string | undefined }) {
  return {
    ...(settings.region === undefined ? {} : { region: settings.region }),
    retryMode: "adaptive" as const,
    maxAttempts: MAX_ATTEMPTS,
  };
}

/**
 * The clients (creating one opens no connection). S3 uses path-style URLs when an endpoint is set: an
 * emulator on `127.0.0.1:PORT` has no `<bucket>.127.0.0.1` names.
 */
export function createAwsClients(settings: { region?: string | undefined; endpoint?: string | undefined }) {
  const config = commonClientConfig(settings);
  const customEndpoint = settings.endpoint !== undefined || process.env.AWS_ENDPOINT_URL_S3 !== undefined;
  return {
    cloudformation: new CloudFormationClient(config),
    s3: new S3Client({ ...config, forcePathStyle: customEndpoint }),
    sts: new STSClient(config),
    dynamodb: new DynamoDBClient(config),
    apigateway: new APIGatewayClient(config),
  };
}

/** Closes the clients' connections, so that a command's process exits when it is done. */
export function destroyAwsClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

/** AWS_REGION, else AWS_DEFAULT_REGION, else `undefined` (the SDK then takes the profile's region). */
export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
}

/** `value` trimmed, or `undefined` when it is unset or blank (make passes unset variables as ""). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
