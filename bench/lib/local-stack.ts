/**
 * The local run as the benchmark and the reliability suite use it: the embedded DynamoDB, the
 * counting / fault-injecting proxy in front of it (the functions go through the proxy, the test's
 * own client does not), `startLocalApi` on an ephemeral port, and every log line captured.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
import { issueToken } from "../../lib/tokens/token-issue-revoke.js";
import { type DynamoDBBackendChoice, startEmbeddedDynamoDB } from "../../local/dynamodb/embedded-dynamodb.js";
import { type LocalApi, type StartLocalApiOptions, startLocalApi } from "../../local/index.js";
import { type DynamoDbProxy, startDynamoDbProxy } from "./dynamodb-proxy.js";

/** A started local stack. */
export interface LocalStack {
  api: LocalApi;
  /** The proxy the functions reach DynamoDB through. */
  proxy: DynamoDbProxy;
  /** A client straight to the embedded DynamoDB (not through the proxy, so faults never hit it). */
  documentClient: DynamoDBDocumentClient;
  /** Every line the gateway and the functions logged (their stdout and stderr included). */
  logs: string[];
  /** Issues a token with the token store, as `npm run token -- issue` does. */
  issue(principalId: string, scopes: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the whole local run in memory.
 */
export async function startLocalStack(
  options: {
    parameterOverrides?: Record<string, string>;
    manifestPath?: string;
    /** More options of startLocalApi (tracing, debug log, the authorizer cache). */
    api?: Pick<StartLocalApiOptions, "onTrace" | "debug" | "trace" | "authorizerCache">;
    /** Default `auto`: DynamoDB Local when Java 17+ is installed (one JVM per process), else dynalite. */
    dynamodbBackend?: DynamoDBBackendChoice;
  } = {},
): Promise<LocalStack> {
  const dynamodb = await startEmbeddedDynamoDB({ dataDir: null, backend: options.dynamodbBackend ?? "auto" });
  const proxy = await startDynamoDbProxy(dynamodb.endpoint);
  const logs: string[] = [];
  let api: LocalApi;
  try {
    api = await startLocalApi({
      dynamodb: { endpoint: proxy.endpoint, credentials: dynamodb.credentials, backend: dynamodb.backend },
      parameterOverrides: options.parameterOverrides ?? {},
      ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
      log: (line) => logs.push(line),
      ...options.api,
    });
  } catch (error) {
    await proxy.stop();
    await dynamodb.stop();
    throw error;
  }
  const client = localDynamoDBClient(dynamodb, api.region);
  const documentClient = DynamoDBDocumentClient.from(client);
  const tokenTable = api.tables.TokenTable as string;
  return {
    api,
    proxy,
    documentClient,
    logs,
    issue: async (principalId, scopes) =>
      (await issueToken({ client: documentClient, tableName: tokenTable }, { principalId, scopes })).token,
    async stop() {
      await api.stop();
      client.destroy();
      await proxy.stop();
      await dynamodb.stop();
    },
  };
}
