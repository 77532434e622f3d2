/**
 * The local run's DynamoDB as its clients see it — which implementation serves it, what that one can
 * do, the credentials that open the run's database — and the client for it, shared by the local run,
 * the token CLI (`--local`), the benchmarks and the tests.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * Which DynamoDB serves the local run: AWS's DynamoDB Local (a Java child process, the default when
 * Java 17+ is installed) or dynalite (in process, the fallback without Java).
 */
export type LocalDynamoDBBackend = "dynamodb-local" | "dynalite";

/**
 * What a DynamoDB can do that code may depend on. Code asks this instead of the user: on AWS and
 * DynamoDB Local everything is true; dynalite has neither transactions nor TTL.
 */
export interface DynamoDBCapabilities {
  /** `TransactWriteItems` and `TransactGetItems` work (dynalite answers UnknownOperationException). */
  supportsTransactions: boolean;
  /** `UpdateTimeToLive` and `DescribeTimeToLive` work. */
  supportsTimeToLive: boolean;
}

/** DynamoDB on AWS. */
export const AWS_DYNAMODB_CAPABILITIES: DynamoDBCapabilities = Object.freeze({
  supportsTransactions: true,
  supportsTimeToLive: true,
});

/**
 * What a local backend can do.
 *
 * @example
 * ```ts
 * const { supportsTransactions } = capabilitiesOf("dynalite"); // false: write the audit record first
 * ```
 */
export function capabilitiesOf(backend: LocalDynamoDBBackend): DynamoDBCapabilities {
  return backend === "dynamodb-local"
    ? AWS_DYNAMODB_CAPABILITIES
    : { supportsTransactions: false, supportsTimeToLive: false };
}

/** Static credentials for the local DynamoDB. */
export interface LocalDynamoDBCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * How to reach a local run's DynamoDB. DynamoDB Local keeps one database per access key id and
 * region: other credentials see an empty database, so the credentials travel with the endpoint.
 */
export interface LocalDynamoDBConnection {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  credentials: LocalDynamoDBCredentials;
  backend: LocalDynamoDBBackend;
}

/**
 * Fresh random credentials: an access key id of 20 upper-case letters and digits (the shape of
 * AWS's, and safe as the file name DynamoDB Local gives the database) and a 40-character secret.
 *
 * @example
 * ```ts
 * const credentials = generateLocalCredentials(); // { accessKeyId: "LOCAL7Q2…", secretAccessKey: "…" }
 * ```
 */
export function generateLocalCredentials(): LocalDynamoDBCredentials {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const id = [...randomBytes(15)].map((byte) => alphabet[byte % 32]).join("");
  return { accessKeyId: `LOCAL${id}`, secretAccessKey: randomBytes(30).toString("base64url") };
}

/**
 * A DynamoDB client for a local run's DynamoDB, with that run's credentials.
 *
 * @example
 * ```ts
 * import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const api: { dynamodb: LocalDynamoDBConnection; region: string };
 * const documentClient = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
 * ```
 */
export function localDynamoDBClient(
  connection: Pick<LocalDynamoDBConnection, "endpoint" | "credentials">,
  region = "us-east-1",
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: connection.endpoint,
    region,
    // A copy: the SDK marks the credentials object it is given (`$source`), which would then leak
    // into state files written from it.
    credentials: {
      accessKeyId: connection.credentials.accessKeyId,
      secretAccessKey: connection.credentials.secretAccessKey,
    },
    maxAttempts: 2,
  });
}
