/**
 * `make start`: the API on 127.0.0.1 from the same template that gets deployed, until Ctrl-C.
 *
 * Environment: PORT (default 3000), DYNAMODB_PORT (8000), DATA_DIR (.local/data), INSPECTOR_PORT
 * (3001; 0 = no inspector), LOG_LEVEL (debug prints every request's whole decision trace). Prints one
 * ready line with the base URL and the inspector's link and, on the first start (empty token table),
 * a demo token that may call every method. Each request's line gives the reason of a non-2xx. Any
 * failure to start is one line saying what to fix, and a non-zero exit.
 *
 * The inspector (admin server), its ring of recent requests and the authorizer cache belong to this
 * process, not to the API: they outlive a reload of the API.
 */
import { resolve } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { removeLocalState, writeLocalState } from "../lib/local-state.js";
import { issueToken, listTokens } from "../lib/tokens/token-store.js";
import { type AdminServer, startAdminServer } from "./admin/admin-server.js";
import { requestRecord } from "./admin/request-record.js";
import { createRequestRing } from "./admin/request-ring.js";
import { createAuthorizerCache } from "./gateway/authorizer-cache.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "./index.js";

function portFromEnv(name: string, fallback: number, zeroMeans?: string): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const port = Number(text);
  const lowest = zeroMeans ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65535) {
    const range = `a number from ${lowest} to 65535${zeroMeans ? ` (0 ${zeroMeans})` : ""}`;
    throw new ApigwTokenAuthError(`${name}=${text} is not a port: use ${range}`, {
      expected: range,
      actual: text,
    });
  }
  return port;
}

/** The demo token, issued only when the token table is empty (the first start on a data directory). */
async function issueDemoToken(api: LocalApi): Promise<string | undefined> {
  const tableName = api.outputs.TokenTableName;
  if (!tableName) return undefined;
  const client = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodbEndpoint, api.region));
  try {
    if ((await listTokens(client, tableName)).length > 0) return undefined;
    const { token } = await issueToken(client, tableName, {
      principalId: "demo",
      description: "demo token issued by make start on the first start",
    });
    return token;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  // The Node.js version gap is reported once by the Lambda runtime; the SDK would repeat it per client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const port = portFromEnv("PORT", 3000);
  const dynamodbPort = portFromEnv("DYNAMODB_PORT", 8000);
  const dataDir = resolve(PROJECT_ROOT, process.env.DATA_DIR || ".local/data");
  const inspectorPort = portFromEnv("INSPECTOR_PORT", 3001, "turns the inspector off");
  if (inspectorPort !== 0 && inspectorPort === port) {
    throw new ApigwTokenAuthError(`INSPECTOR_PORT=${inspectorPort} is the API's port: choose another one`, {
      expected: `a port other than PORT=${port}`,
      actual: String(inspectorPort),
    });
  }
  const debug = (process.env.LOG_LEVEL ?? "").toLowerCase() === "debug";
  const log = (line: string) => process.stdout.write(`${line}\n`);

  const requests = createRequestRing();
  const authorizerCache = createAuthorizerCache();
  const api = await startLocalApi({
    port,
    dynamodbPort,
    dataDir,
    log,
    authorizerCache,
    debug,
    checkCacheSafety: true,
    onTrace: (trace) => requests.push(requestRecord(trace)),
  });
  let admin: AdminServer | undefined;
  if (inspectorPort !== 0) {
    try {
      admin = await startAdminServer({
        port: inspectorPort,
        sources: {
          requests: () => requests.list(),
          authorizerCache: () => api.authorizerCacheEntries(),
          flushAuthorizerCache: () => authorizerCache.flush(Date.now()),
        },
      });
    } catch (error) {
      await api.stop();
      throw error;
    }
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C while stopping: the user wants out now.
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping`);
    removeLocalState(process.pid);
    Promise.all([api.stop(), admin?.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`make start: stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  const demoToken = await issueDemoToken(api);
  writeLocalState({
    pid: process.pid,
    url: api.url,
    dynamodbEndpoint: api.dynamodbEndpoint,
    region: api.region,
    tables: api.tables,
    outputs: api.outputs,
    startedAt: new Date().toISOString(),
    ...(admin ? { admin: { url: admin.url, secret: admin.secret } } : {}),
  });
  const inspector = admin ? `; inspector ${admin.pageUrl}` : "";
  log(
    `Local API ready at ${api.url} (DynamoDB ${api.dynamodbEndpoint}, data in ${dataDir}${inspector}); Ctrl-C stops it`,
  );
  if (demoToken) {
    // The one time this token is shown: the table keeps only its digest.
    log(
      `Demo token (every method; shown once, not stored): ${demoToken}  e.g. curl -H "Authorization: ${demoToken}" ${api.url}/user/demo`,
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`make start: ${message.split("\n")[0]}\n`);
  process.exit(1);
});
