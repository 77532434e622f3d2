/**
 * The client for the local run's embedded DynamoDB, shared by the local run, the token CLI
 * (`--local`), the benchmarks and the tests.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * A DynamoDB client for the embedded DynamoDB (fake credentials: dynalite accepts any).
 */
export function localDynamoDBClient(endpoint: string, region = "us-east-1"): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 2,
  });
}
