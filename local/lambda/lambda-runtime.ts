/**
 * The local Lambda service: every `AWS::Lambda::Function` of a resolved stack, each in its own warm
 * worker threads with its own environment, invoked by ARN (or name) like `lambda:Invoke`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import { type ResolvedStack, resourcesOfType } from "../cloudformation/resolved-stack.js";
import type { InvokeOptions, LambdaInvoker, LambdaOutcome } from "../gateway/types.js";
import { type CodeManifest, type FunctionConfig, readFunctionConfig } from "./function-config.js";
import { FunctionPool } from "./function-pool.js";
import { runtimeVerdict } from "./runtime-lifecycle.js";

/** How the runtime is set up. */
export interface LambdaRuntimeOptions {
  stack: ResolvedStack;
  /** `dist/manifest.json`, needed by functions whose code is in S3; undefined when there is no build. */
  manifest?: CodeManifest;
  /** The directory the manifest's `buildDir` paths are relative to. Default: the working directory. */
  rootDir?: string;
  /**
   * Where the functions' AWS SDK finds DynamoDB (`AWS_ENDPOINT_URL_DYNAMODB`) and the credentials
   * they call it with (`AWS_ACCESS_KEY_ID`, ...), as Lambda hands a function its role's credentials.
   */
  dynamodb?: {
    endpoint: string;
    /** A function's credentials, by logical id (the IAM gate gives each function its own). */
    credentialsFor(logicalId: string): LocalDynamoDBCredentials;
    /**
     * A gate of the function's own that each of its workers starts before loading the handler; its
     * endpoint replaces `endpoint` (../iam/function-gate.ts): the module, and its setup by logical id.
     */
    workerGate?: { modulePath: string; setupFor(logicalId: string): unknown };
  };
  /** Most concurrent environments per function. Default 4. */
  maxConcurrency?: number;
  /** Most invocations waiting per function beyond those; more answer `throttled` (429). Default 64. */
  maxQueued?: number;
  /** Receives the functions' log lines, prefixed with the logical id. Default: dropped. */
  log?: (line: string) => void;
}

/** The running runtime. */
export interface LambdaRuntime extends LambdaInvoker {
  /** The functions it runs, by logical id. */
  readonly functions: Record<string, FunctionConfig>;
  /** How many invocations a function (ARN, name or logical id) has had. */
  invocationCount(functionId: string): number;
  /** Makes a function (logical id) load its code afresh: its warm workers are replaced. */
  reload(logicalId: string): void;
  /** Stops every worker and removes inline code. */
  close(): Promise<void>;
}

/**
 * Prepares every function of the stack (failing fast, with the fix, if one cannot run); workers
 * start on first invocation.
 *
 * @example
 * ```ts
 * import { readManifest } from "../../lib/build/manifest.js";
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 *
 * declare const stack: ResolvedStack;
 * declare const endpoint: string;
 * declare const credentials: { accessKeyId: string; secretAccessKey: string };
 * const lambda = createLambdaRuntime({ stack, manifest: readManifest(), dynamodb: { endpoint, credentialsFor: () => credentials } });
 * const arn = String(stack.resources.AuthorizerFunction?.attributes.Arn);
 * const outcome = await lambda.invoke(arn, { type: "TOKEN", authorizationToken: "abc", methodArn: "arn:..." });
 * await lambda.close();
 * ```
 */
export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const { stack, maxConcurrency = 4, maxQueued = 64, log = () => undefined } = options;
  let inlineDir: string | undefined;
  const sources = {
    manifest: options.manifest,
    rootDir: options.rootDir ?? process.cwd(),
    get inlineDir() {
      inlineDir ??= mkdtempSync(join(tmpdir(), "local-lambda-"));
      return inlineDir;
    },
  };
  const functions: Record<string, FunctionConfig> = {};
  const pools = new Map<string, FunctionPool>();
  const byId = new Map<string, FunctionPool>();
  try {
    for (const [logicalId] of resourcesOfType(stack, "AWS::Lambda::Function")) {
      const config = readFunctionConfig(stack, logicalId, sources);
      functions[logicalId] = config;
      const pool = new FunctionPool({
        config,
        env: containerEnvironment(
          stack,
          config,
          options.dynamodb && {
            endpoint: options.dynamodb.endpoint,
            credentials: options.dynamodb.credentialsFor(logicalId),
          },
        ),
        maxWorkers: maxConcurrency,
        maxQueued,
        log,
        ...(options.dynamodb?.workerGate
          ? {
              gate: {
                modulePath: options.dynamodb.workerGate.modulePath,
                setup: options.dynamodb.workerGate.setupFor(logicalId),
              },
            }
          : {}),
      });
      pools.set(logicalId, pool);
      for (const id of [logicalId, config.functionName, config.functionArn]) byId.set(id, pool);
    }
  } catch (error) {
    if (inlineDir) rmSync(inlineDir, { recursive: true, force: true });
    throw error;
  }

  warnAboutNodeVersion(Object.values(functions), log);
  warnAboutRuntimeLifecycle(Object.values(functions), log);
  const find = (functionId: string) => byId.get(functionId) ?? byId.get(unqualified(functionId));

  return {
    functions,
    invoke(functionArn: string, event: unknown, options?: InvokeOptions): Promise<LambdaOutcome> {
      const pool = find(functionArn);
      if (!pool) {
        return Promise.resolve({ kind: "crash", message: `function ${functionArn} is not in the stack` });
      }
      return pool.invoke(event, options?.signal);
    },
    invocationCount: (functionId) => find(functionId)?.invocations ?? 0,
    reload: (logicalId) => pools.get(logicalId)?.recycle(),
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      if (inlineDir) rmSync(inlineDir, { recursive: true, force: true });
    },
  };
}

/**
 * Functions run on this process's Node.js, not the one their Runtime names: say so once when it is
 * older (the AWS SDK's own per-container warning about it is switched off in the environment).
 */
function warnAboutNodeVersion(functions: FunctionConfig[], log: (line: string) => void): void {
  const host = Number(process.versions.node.split(".")[0]);
  const runtimes = [...new Set(functions.map((fn) => fn.runtime))].filter(
    (runtime) => Number(/\d+/.exec(runtime)?.[0]) > host,
  );
  if (runtimes.length > 0) {
    log(`functions declare ${runtimes.join(", ")} but run on Node.js ${process.versions.node} here`);
  }
}

/** Says once per runtime when AWS has deprecated it or some sources say it can no longer be created. */
function warnAboutRuntimeLifecycle(functions: FunctionConfig[], log: (line: string) => void): void {
  const today = new Date().toISOString().slice(0, 10);
  for (const runtime of new Set(functions.map((fn) => fn.runtime))) {
    const verdict = runtimeVerdict(runtime, today);
    if (verdict.kind === "warn") log(`warning: ${verdict.message}`);
  }
}

/** `arn:aws:lambda:r:a:function:name:qualifier` → the ARN without its version or alias. */
function unqualified(functionArn: string): string {
  return functionArn.split(":").slice(0, 7).join(":");
}

/**
 * The environment of a function's container: the template's variables, then what the Lambda service
 * sets itself (those names are reserved on AWS, so the template cannot change them there either).
 * The credentials are the function's own keys to the local IAM gate (or the database's, gate off);
 * a gate in the function's worker replaces the endpoint there before the handler loads.
 */
function containerEnvironment(
  stack: ResolvedStack,
  config: FunctionConfig,
  dynamodb: { endpoint: string; credentials: LocalDynamoDBCredentials } | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
  Object.assign(env, config.environment, {
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: config.logGroupName,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
    AWS_ACCESS_KEY_ID: dynamodb?.credentials.accessKeyId ?? "local",
    AWS_SECRET_ACCESS_KEY: dynamodb?.credentials.secretAccessKey ?? "local",
    LAMBDA_TASK_ROOT: join(config.modulePath, ".."),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    PATH: process.env.PATH ?? "/usr/bin:/bin",
  });
  return env;
}
