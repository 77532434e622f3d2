/**
 * `make start`: the API on 127.0.0.1 from the same template that gets deployed, until Ctrl-C.
 *
 * Environment: PORT (default 3000), DYNAMODB_PORT (8000; 0 for either picks a free port), DATA_DIR (.local/data), INSPECTOR_PORT
 * (3001; 0 = no inspector), WATCH (default on; 0 = no reload on change, see ./watch/), LOG_LEVEL (debug prints every request's whole decision trace),
 * LOCAL_DYNAMODB (`auto`, the default: DynamoDB Local when Java 17+ is installed, else dynalite; or
 * `dynamodb-local`, `dynalite`). Prints one ready line with the base URL, which DynamoDB runs, the
 * start-up time and the inspector's link and, on the first start (empty token table),
 * a demo token that may call every method for 24 hours (later starts say how to issue one). Each request's line gives the reason of a non-2xx. Any
 * failure to start is one line saying what to fix, and a non-zero exit.
 *
 * The inspector (admin server), its ring of recent requests and the authorizer cache belong to this
 * process, not to the API: they outlive a reload of the API.
 */
import { join, resolve } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { removeLocalState, writeLocalState } from "../lib/local-state.js";
import { localActor } from "../lib/tokens/token-audit.js";
import { issueToken } from "../lib/tokens/token-issue-revoke.js";
import { hasTokens } from "../lib/tokens/token-reads.js";
import { type AdminServer, startAdminServer } from "./admin/admin-server.js";
import { createRequestRing } from "./admin/request-ring.js";
import type { DynamoDBBackendChoice } from "./dynamodb/embedded-dynamodb.js";
import { createAuthorizerCache } from "./gateway/authorizer-cache.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "./index.js";
import { startWatchMode, type WatchMode } from "./watch/watch-mode.js";

const BACKEND_CHOICES: readonly DynamoDBBackendChoice[] = ["auto", "dynamodb-local", "dynalite"];

function backendFromEnv(): DynamoDBBackendChoice {
  const text = process.env.LOCAL_DYNAMODB || "auto";
  if (!(BACKEND_CHOICES as readonly string[]).includes(text)) {
    throw new ApigwTokenAuthError(
      `LOCAL_DYNAMODB=${text} is not a backend: use ${BACKEND_CHOICES.join(", ")}`,
      {
        expected: BACKEND_CHOICES.join(" | "),
        actual: text,
      },
    );
  }
  return text as DynamoDBBackendChoice;
}

/** What 0 means for the API and DynamoDB ports: the ready line and the state file say which one. */
const ANY_FREE_PORT = "picks any free port";

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

/** How long the demo token works: a day, enough to try the API, too short to forget about. */
const DEMO_TOKEN_LIFETIME_SECONDS = 86_400;

/**
 * The demo token, issued (with its audit record) only when the token table is empty: the first
 * start on a data directory. Undefined when the table already has tokens.
 */
async function issueDemoToken(api: LocalApi): Promise<string | undefined> {
  const tableName = api.outputs.TokenTableName;
  const auditTableName = api.outputs.TokenAuditTableName;
  if (!tableName || !auditTableName) return undefined;
  const client = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
  try {
    const store = {
      client,
      tableName,
      audit: { tableName: auditTableName, actor: localActor(), reason: "make start: demo token" },
      // On the dynalite fallback (no TransactWriteItems) the audit record goes first, then the token.
      supportsTransactions: api.dynamodb.capabilities.supportsTransactions,
    };
    if (await hasTokens(store)) return undefined;
    const { token } = await issueToken(store, {
      principalId: "demo",
      scopes: ["*"],
      expiresInSeconds: DEMO_TOKEN_LIFETIME_SECONDS,
      description: "demo token issued by make start on the first start",
    });
    return token;
  } finally {
    client.destroy();
  }
}

/** Commands that work on the first try with `token` (a PUT, then a GET of what it wrote). */
function exampleCommands(url: string, token: string): string {
  return [
    `  curl -i -X PUT -H "Authorization: ${token}" -H 'Content-Type: application/json' -d '{"id":"u1","name":"Ada"}' ${url}/user`,
    `  curl -s -H "Authorization: ${token}" ${url}/user/u1`,
  ].join("\n");
}

async function main(): Promise<void> {
  // The Node.js version gap is reported once by the Lambda runtime; the SDK would repeat it per client.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const port = portFromEnv("PORT", 3000, ANY_FREE_PORT);
  const dynamodbPort = portFromEnv("DYNAMODB_PORT", 8000, ANY_FREE_PORT);
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

  const dynamodbBackend = backendFromEnv();
  const startedAt = Date.now();
  const requests = createRequestRing();
  const authorizerCache = createAuthorizerCache();
  const api = await startLocalApi({
    port,
    dynamodbPort,
    dataDir,
    dynamodbBackend,
    log,
    authorizerCache,
    debug,
    checkCacheSafety: true,
    onTrace: (trace) => requests.push(trace),
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
  let watch: WatchMode | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C while stopping: the user wants out now.
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping`);
    removeLocalState(process.pid);
    Promise.all([watch?.close(), api.stop(), admin?.stop()]).then(
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
    stageArn: api.stageArn,
    dynamodb: {
      endpoint: api.dynamodb.endpoint,
      credentials: api.dynamodb.credentials,
      backend: api.dynamodb.backend,
      capabilities: api.dynamodb.capabilities,
    },
    region: api.region,
    tables: api.tables,
    outputs: api.outputs,
    startedAt: new Date().toISOString(),
    ...(admin ? { admin: { url: admin.url, secret: admin.secret } } : {}),
  });
  const inspector = admin ? `; inspector ${admin.pageUrl}` : "";
  log(
    `Local API ready at ${api.url} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${api.dynamodb.description} at ${api.dynamodb.endpoint}, data in ${dataDir}${inspector}); Ctrl-C stops it`,
  );
  if (demoToken) {
    // The one time this token is shown: the table keeps only its digest.
    log(`Demo token (every method, expires in 24 h; shown once, not stored): ${demoToken}`);
    log(`Try it:\n${exampleCommands(api.url, demoToken)}`);
  } else {
    log(
      "No new demo token: the token table already has tokens (the demo token is issued on the first start only). Issue one:\n" +
        `  TOKEN=$(npm run --silent token -- issue --local --principal me --scope "PUT /user" --scope "GET /user/{id}" --expires-in 1d)\n` +
        exampleCommands(api.url, "$TOKEN"),
    );
  }
  if (process.env.WATCH !== "0") {
    // After the ready line: the API serves while watch mode builds each function once to learn its sources.
    watch = await startWatchMode({
      api,
      root: PROJECT_ROOT,
      templatePath: join(PROJECT_ROOT, "cloudformation/api.yaml"),
      log,
    });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`make start: ${message.split("\n")[0]}\n`);
  process.exit(1);
});
