/**
 * What the last-use write costs the authorizer: the real `createTokenAuthorizer` against the
 * embedded DynamoDB over HTTP, timing each cache-miss decision (a) when the record says the token
 * was used within the hour (GetItem only: the common case) and (b) when it must write `lastUsedAt`
 * (GetItem + conditional UpdateItem, at most once an hour per token in production; here forced on
 * every decision by a clock that moves an hour per call).
 *
 * Runs alone: `npx tsx bench/authorizer-last-use.ts` (prints the figures and exits).
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createTokenAuthorizer } from "../handlers/authorizer/token-authorizer.js";
import { LAST_USE_INTERVAL_SECONDS } from "../handlers/shared/last-use.js";
import { createLogger } from "../handlers/shared/logger.js";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { issueToken } from "../lib/tokens/token-issue-revoke.js";
import { startEmbeddedDynamoDB } from "../local/dynamodb/embedded-dynamodb.js";
import { waitUntilActive } from "../local/dynamodb/stack-tables.js";
import { percentile, round } from "./lib/stats.js";

/** Latency of one mode, in milliseconds. */
export interface LatencyFigures {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** What `measureAuthorizerLastUse` reports. */
export interface AuthorizerLastUseResult {
  decisions: number;
  /** Used within the hour: no write. */
  withoutWrite: LatencyFigures;
  /** A conditional UpdateItem of lastUsedAt on every decision. */
  withWrite: LatencyFigures;
  /** p50 added by the write. */
  addedP50Ms: number;
}

const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/v1/GET/user/42";
const TABLE = "bench-auth-token";

/**
 * Times `decisions` authorizations in each mode (after a warm-up), alternating the modes in blocks
 * so machine noise falls on both alike.
 */
export async function measureAuthorizerLastUse(options: {
  decisions: number;
}): Promise<AuthorizerLastUseResult> {
  const dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
  const base = localDynamoDBClient(dynamodb);
  const documentClient = DynamoDBDocumentClient.from(base);
  try {
    await base.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: "tokenDigest", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "tokenDigest", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await waitUntilActive(base, TABLE);
    const store = { client: documentClient, tableName: TABLE };
    const scopes = ["PUT /user", "GET /user/{id}"];
    const recent = (await issueToken(store, { principalId: "bench", scopes })).token;
    const stale = (await issueToken(store, { principalId: "bench", scopes })).token;
    const logger = createLogger("authorizer", { level: "INFO", write: () => {} });
    // Wall clock for "recent" (its lastUsedAt stays within the hour); an hour per call for "stale".
    let staleClock = Date.now();
    const authorizeRecent = createTokenAuthorizer({ documentClient, tableName: TABLE, logger });
    const authorizeStale = createTokenAuthorizer({
      documentClient,
      tableName: TABLE,
      logger,
      now: () => (staleClock += (LAST_USE_INTERVAL_SECONDS + 1) * 1000),
    });
    const time = async (authorize: typeof authorizeRecent, token: string) => {
      const started = performance.now();
      await authorize({ type: "TOKEN", authorizationToken: token, methodArn: METHOD_ARN });
      return performance.now() - started;
    };
    for (let i = 0; i < 50; i++) {
      await time(authorizeRecent, recent);
      await time(authorizeStale, stale);
    }
    const withoutWrite: number[] = [];
    const withWrite: number[] = [];
    const block = 25;
    while (withoutWrite.length < options.decisions) {
      for (let i = 0; i < block; i++) withoutWrite.push(await time(authorizeRecent, recent));
      for (let i = 0; i < block; i++) withWrite.push(await time(authorizeStale, stale));
    }
    const figures = (values: number[]): LatencyFigures => ({
      p50: round(percentile(values, 50), 3),
      p90: round(percentile(values, 90), 3),
      p99: round(percentile(values, 99), 3),
      mean: round(values.reduce((sum, value) => sum + value, 0) / values.length, 3),
    });
    const result = {
      decisions: withoutWrite.length,
      withoutWrite: figures(withoutWrite),
      withWrite: figures(withWrite),
      addedP50Ms: 0,
    };
    result.addedP50Ms = round(result.withWrite.p50 - result.withoutWrite.p50, 3);
    return result;
  } finally {
    base.destroy();
    await dynamodb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const decisions = Number(process.env.BENCH_DECISIONS ?? 1000);
  const result = await measureAuthorizerLastUse({ decisions });
  const row = (name: string, f: LatencyFigures) =>
    `${name.padEnd(34)} p50 ${f.p50.toFixed(3)} ms  p90 ${f.p90.toFixed(3)} ms  p99 ${f.p99.toFixed(3)} ms  mean ${f.mean.toFixed(3)} ms`;
  process.stdout.write(
    `authorizer decision latency, embedded DynamoDB over HTTP, ${result.decisions} decisions per mode\n` +
      `${row("used within the hour (GetItem)", result.withoutWrite)}\n` +
      `${row("last-use write (GetItem+UpdateItem)", result.withWrite)}\n` +
      `the write adds ${result.addedP50Ms.toFixed(3)} ms at p50 (and happens at most once an hour per token)\n`,
  );
}
