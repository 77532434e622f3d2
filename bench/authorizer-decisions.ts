/**
 * Authorizer decisions per second, in process: the real `createTokenAuthorizer` (format check,
 * digest, GetItem, record validation, policy for every scope, one JSON log line) against a DynamoDB
 * client stubbed with aws-sdk-client-mock, so the figure is the authorizer's own CPU cost.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { createTokenAuthorizer } from "../handlers/authorizer/token-authorizer.js";
import { createLogger } from "../handlers/shared/logger.js";
import { digestToken, generateToken } from "../handlers/shared/token.js";
import { median, round } from "./lib/stats.js";

/** What `measureAuthorizerDecisions` reports. */
export interface AuthorizerDecisionsResult {
  /** Median over the runs of decisions (Allow answers) per second. */
  decisionsPerSecond: number;
  /** Each run's decisions per second. */
  runs: number[];
  /** How many GetItem calls the stub saw, to show every decision really read the table. */
  getItemCalls: number;
}

const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/v1/GET/user/42";

/**
 * Runs the authorizer in a tight loop for `runs` windows of `windowMs` each (after a warm-up) and
 * reports the median rate.
 */
export async function measureAuthorizerDecisions(options: {
  runs: number;
  windowMs: number;
}): Promise<AuthorizerDecisionsResult> {
  const token = generateToken();
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  const stub = mockClient(documentClient);
  stub.on(GetCommand).resolves({
    Item: {
      tokenDigest: digestToken(token),
      principalId: "bench",
      scopes: ["PUT /user", "GET /user/{id}"],
      createdAt: new Date().toISOString(),
    },
  });
  // The log line is formatted as in production and then dropped: the cost of stdout is the host's.
  const logger = createLogger("authorizer", { level: "INFO", write: () => {} });
  const authorize = createTokenAuthorizer({ documentClient, tableName: "bench-auth-token", logger });
  const event = { type: "TOKEN" as const, authorizationToken: token, methodArn: METHOD_ARN };

  const loop = async (windowMs: number): Promise<number> => {
    const started = performance.now();
    let decisions = 0;
    while (performance.now() - started < windowMs) {
      for (let i = 0; i < 100; i++) {
        const result = await authorize(event);
        if (result.principalId !== "bench") throw new Error("the authorizer did not allow the bench token");
        decisions++;
      }
    }
    return decisions / ((performance.now() - started) / 1000);
  };

  await loop(Math.min(options.windowMs, 500));
  const runs: number[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(round(await loop(options.windowMs), 0));
  const getItemCalls = stub.commandCalls(GetCommand).length;
  stub.restore();
  return { decisionsPerSecond: median(runs), runs, getItemCalls };
}
