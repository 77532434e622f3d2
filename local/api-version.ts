/**
 * One version of the local API: a resolved template's tables (created if missing), its functions
 * and its gateway. `startLocalApi` serves one at a time; a reload builds the next beside it and
 * swaps, on the same DynamoDB, IAM gate and authorizer cache.
 */
import type { DynamoDBCapabilities, LocalDynamoDBCredentials } from "../lib/aws/local-dynamodb.js";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import type { Manifest } from "../lib/build/manifest.js";
import { type ResolvedStack, resourcesOfType } from "./cloudformation/resolved-stack.js";
import { createStackTables } from "./dynamodb/stack-tables.js";
import type { AuthorizerCache } from "./gateway/authorizer-cache.js";
import { createGateway } from "./gateway/gateway.js";
import type { RequestTrace } from "./gateway/trace.js";
import type { Gateway } from "./gateway/types.js";
import { type DynamoDBGate, gateUpstream } from "./iam/dynamodb-gate.js";
import type { FunctionGateSetup } from "./iam/function-gate.js";
import { createLambdaRuntime, type LambdaRuntime } from "./lambda/lambda-runtime.js";

/** What every version of the API shares: the DynamoDB (and its gate), the cache, logging and tracing. */
export interface ApiVersionContext {
  /** The repository root, where the functions' code is found. */
  rootDir: string;
  /** The DynamoDB itself (tables are created there directly, not through the gate). */
  upstream: { endpoint: string; credentials: LocalDynamoDBCredentials; capabilities: DynamoDBCapabilities };
  /**
   * The IAM gate, when it is on: the run's (admin key, token CLI, tests), and the bundled module of
   * the gate each function's worker starts for itself, which the functions call.
   */
  gate: { run: DynamoDBGate; functionGateModule: string } | undefined;
  authorizerCache: AuthorizerCache;
  now: () => number;
  log: (line: string) => void;
  onTrace?: (trace: RequestTrace) => void;
  trace?: boolean;
  debug?: boolean;
  checkCacheSafety?: boolean;
}

/** A served version of the API. */
export interface ApiVersion {
  stack: ResolvedStack;
  /** Table names by logical id. */
  tables: Record<string, string>;
  lambda: LambdaRuntime;
  gateway: Gateway;
  /** Each authorizer's logical id by its API Gateway id. */
  authorizerNames: Map<string, string>;
  /** The Lambda ARNs the stack's authorizers invoke. */
  authorizerArns: string[];
}

/**
 * Creates `stack`'s tables, functions and gateway. A reload's roles are read (and refused, naming
 * the policy) before anything changes; a failure after the functions start closes them.
 * `reloading`: the tables' start-up notes were already printed, so new tables are created quietly.
 */
export async function serveApiVersion(
  context: ApiVersionContext,
  stack: ResolvedStack,
  manifest: Manifest | undefined,
  reloading = false,
): Promise<ApiVersion> {
  const { upstream, log } = context;
  const gate = context.gate?.run;
  const principals = gate?.principalsFor(stack);
  // What the functions' own gates forward with: not the database's secret key, which they never need.
  const functionGateUpstream = gateUpstream(upstream);
  const client = localDynamoDBClient(upstream, stack.region);
  const tables = await createStackTables(client, stack, {
    supportsTimeToLive: upstream.capabilities.supportsTimeToLive,
    log: reloading ? () => undefined : log,
  }).finally(() => client.destroy());
  const lambda = createLambdaRuntime({
    stack,
    manifest,
    rootDir: context.rootDir,
    dynamodb: {
      endpoint: gate?.endpoint ?? upstream.endpoint,
      credentialsFor: (logicalId) => principals?.credentialsFor(logicalId) ?? upstream.credentials,
      ...(context.gate && principals
        ? {
            // Each worker gates its function's calls itself, by this version's roles and tables.
            workerGate: {
              modulePath: context.gate.functionGateModule,
              setupFor: (logicalId: string): FunctionGateSetup => ({
                stack,
                logicalId,
                credentials: principals.credentialsFor(logicalId) ?? upstream.credentials,
                upstream: functionGateUpstream,
              }),
            },
          }
        : {}),
    },
    log,
  });
  try {
    const gateway = createGateway({
      stack,
      lambda,
      log,
      authorizerCache: context.authorizerCache,
      now: context.now,
      ...(context.onTrace ? { onTrace: context.onTrace } : {}),
      ...(context.trace !== undefined ? { trace: context.trace } : {}),
      ...(context.debug !== undefined ? { debug: context.debug } : {}),
      ...(context.checkCacheSafety !== undefined ? { checkCacheSafety: context.checkCacheSafety } : {}),
    });
    const authorizerNames = new Map(gateway.describe().authorizers.map((a) => [a.id, a.logicalId]));
    if (gate && principals) gate.use(stack, principals);
    return { stack, tables, lambda, gateway, authorizerNames, authorizerArns: authorizerFunctionArns(stack) };
  } catch (error) {
    await lambda.close();
    throw error;
  }
}

/** The Lambda ARNs in the stack's authorizers' `AuthorizerUri`s. */
function authorizerFunctionArns(stack: ResolvedStack): string[] {
  return resourcesOfType(stack, "AWS::ApiGateway::Authorizer").flatMap(([, authorizer]) => {
    const match = /\/functions\/(.+)\/invocations$/.exec(String(authorizer.properties.AuthorizerUri ?? ""));
    return match?.[1] ? [match[1]] : [];
  });
}
