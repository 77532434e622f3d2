/**
 * The local run of the API: the CloudFormation template resolved as a stack, its tables in an
 * embedded DynamoDB, its functions in worker threads, and its REST API stage served by the local
 * API Gateway on 127.0.0.1 — all in this process, no Docker, no AWS account.
 */
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  capabilitiesOf,
  type DynamoDBCapabilities,
  type LocalDynamoDBConnection,
} from "../lib/aws/local-dynamodb.js";
import type { Manifest } from "../lib/build/manifest.js";
import { type CloudFormationTemplate, loadTemplate } from "../lib/cloudformation/load-template.js";
import type { AuthorizerCacheEntry } from "../lib/local-admin-client.js";
import { type ApiVersionContext, serveApiVersion } from "./api-version.js";
import { resolveStack } from "./cloudformation/resolve-stack.js";
import { type DynamoDBBackendChoice, startEmbeddedDynamoDB } from "./dynamodb/embedded-dynamodb.js";
import { type AuthorizerCache, createAuthorizerCache } from "./gateway/authorizer-cache.js";
import type { RequestTrace } from "./gateway/trace.js";
import type { LambdaOutcome } from "./gateway/types.js";
import { startDynamoDBGate } from "./iam/dynamodb-gate.js";
import { bundleFunctionGate } from "./iam/function-gate-bundle.js";
import { type LocalJwtIssuer, startLocalJwtIssuerFor } from "./jwt-issuer/jwt-issuer.js";
import { closeServer, listen } from "./listen.js";
import { loadManifestIfNeeded, localParameterDefaults } from "./template-inputs.js";

/** The repository root (this file is `<root>/local/index.ts`). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The stack name the local run "deploys" as: table names become `local-auth-token`, `local-users`. */
export const LOCAL_STACK_NAME = "local";

/** How to start the local API. */
export interface StartLocalApiOptions {
  /** Default `cloudformation/api.yaml` of this checkout. */
  templatePath?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral. Default 0. */
  port?: number;
  /** 0 = ephemeral. Default 0. */
  dynamodbPort?: number;
  /** The DynamoDB data directory; null (the default) keeps data in memory. */
  dataDir?: string | null;
  /** Which embedded DynamoDB: `auto` (the default) is DynamoDB Local when Java 17+ is found, else dynalite. */
  dynamodbBackend?: DynamoDBBackendChoice;
  /**
   * An already running DynamoDB to use instead of starting the embedded one (`dynamodbPort`,
   * `dataDir` and `dynamodbBackend` are then unused): its tables are created if missing and
   * `stop()` leaves it running. The reliability suite puts a fault-injecting proxy here.
   */
  dynamodb?: LocalDynamoDBConnection;
  /**
   * The local IAM gate in front of the DynamoDB (default true): functions call it with keys of their
   * own and their roles decide; `dynamodbPort` is then the gate's. `false` only to measure its cost.
   */
  dynamodbGate?: boolean;
  /** Template parameter values, over the defaults and the manifest's code keys. */
  parameterOverrides?: Record<string, string>;
  /** Default `dist/manifest.json` of this checkout. */
  manifestPath?: string;
  /** The build to serve, instead of reading `manifestPath` (watch mode builds its own). */
  manifest?: Manifest;
  /** Request, function and start-up lines. Default: dropped. */
  log?: (line: string) => void;
  /** The gateway's clock (authorizer cache TTL) in epoch milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * The authorizer result cache. Default: a new one. `make start` keeps one per run, so that its
   * admin server shows and flushes the same cache across reloads of the API.
   */
  authorizerCache?: AuthorizerCache;
  /** Receives each request's decision trace (the inspector's ring). */
  onTrace?: (trace: RequestTrace) => void;
  /** Trace requests (default true; the reason on each non-2xx line). `false` only to measure its cost. */
  trace?: boolean;
  /** Log every request's whole trace (`LOG_LEVEL=debug`). Default false. */
  debug?: boolean;
  /** Warn about a cache-unsafe authorizer (an extra authorizer call after a cached deny). Default false. */
  checkCacheSafety?: boolean;
}

/** A running local API. */
export interface LocalApi {
  /** `http://127.0.0.1:PORT/<stage>`: the invoke URL. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stage: string;
  /** The stage's execute-api ARN (`arn:aws:execute-api:<region>:<account>:<apiId>/<stage>`), for method ARNs. */
  stageArn: string;
  /**
   * How tools and tests reach the run's DynamoDB — the IAM gate and its admin key (not restricted by
   * IAM), or with the gate off the DynamoDB itself — its backend and what it can do.
   */
  dynamodb: LocalDynamoDBConnection & { capabilities: DynamoDBCapabilities; description: string };
  /** Table names by logical id. */
  tables: Record<string, string>;
  /** The resolved stack's outputs (`TokenTableName`, ...), as a deployed stack would show them. */
  outputs: Record<string, string>;
  region: string;
  /** The JWT test issuer the stack's JWT authorizer trusts (mints test tokens); absent without one. */
  jwtIssuer?: LocalJwtIssuer;
  /** The gateway's authorizer result cache. */
  authorizerCache: AuthorizerCache;
  /** The authorizer cache's entries (digests only), with each authorizer's logical id. */
  authorizerCacheEntries(): AuthorizerCacheEntry[];
  /** How many times the stack's authorizer functions have been invoked (cache hits do not count). */
  authorizerInvocations(): number;
  /**
   * Reads the template again and serves what it says now (watch mode), on the same port and the same
   * DynamoDB (new tables are created, data is kept) with fresh functions. Rejects, leaving the
   * running API as it was, for a template it cannot run. `manifest`: where the code is now.
   */
  reload(options?: { manifest?: Manifest }): Promise<void>;
  /** Makes the function (logical id) load its rebuilt bundle: its warm workers are replaced. */
  reloadFunction(logicalId: string): void;
  /**
   * Invokes a function (logical id, name or ARN) of the API being served, in its workers, as
   * `lambda:Invoke` would: the benchmarks time a function's own share of a request with it.
   */
  invokeFunction(functionId: string, event: unknown): Promise<LambdaOutcome>;
  /** Stops the HTTP server, the functions and the DynamoDB (flushing data to disk). */
  stop(): Promise<void>;
}

/** How long a replaced API's functions may finish what they are running before they are stopped. */
const RELOAD_GRACE_MS = 10_000;

/**
 * Starts the local API. Throws an ApigwTokenAuthError whose message says what to fix for a
 * template it cannot run, a missing build (`make package`) or a port in use.
 *
 * @example
 * ```ts
 * const api = await startLocalApi({ port: 0, dataDir: null, parameterOverrides: { AuthorizerTtlSeconds: "1" } });
 * declare const token: string; // from `npm run --silent token -- issue --local --principal alice`
 * await fetch(`${api.url}/user/42`, { headers: { Authorization: token } });
 * await api.stop();
 * ```
 */
export async function startLocalApi(options: StartLocalApiOptions = {}): Promise<LocalApi> {
  const { host = "127.0.0.1", log = () => undefined } = options;
  const templatePath = options.templatePath ?? join(PROJECT_ROOT, "cloudformation/api.yaml");
  const manifestPath = options.manifestPath ?? join(PROJECT_ROOT, "dist/manifest.json");
  const template = loadTemplate(templatePath);
  const manifest = options.manifest ?? loadManifestIfNeeded(template, manifestPath);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // The local JWT issuer stands in for a user pool: its parameters switch on HasJwtAuthorizer.
    const jwtIssuer = await startLocalJwtIssuerFor(template, options.parameterOverrides, {
      host,
      persistKey: (options.dataDir ?? null) !== null,
    });
    if (jwtIssuer) cleanups.push(jwtIssuer.stop);
    const resolveLocal = (template: CloudFormationTemplate, manifest: Manifest | undefined) =>
      resolveStack(template, {
        stackName: LOCAL_STACK_NAME,
        parameterOverrides: {
          ...localParameterDefaults(template, manifest),
          ...jwtIssuer?.parameterOverrides,
          ...options.parameterOverrides,
        },
      });
    const stack = resolveLocal(template, manifest);

    // The DynamoDB outlives reloads of the API: its data is the point of keeping the run up.
    const gateOn = options.dynamodbGate ?? true;
    const embedded = options.dynamodb
      ? undefined
      : await startEmbeddedDynamoDB({
          // With the gate, DYNAMODB_PORT is the gate's: nobody is meant to reach the DynamoDB directly.
          port: gateOn ? 0 : (options.dynamodbPort ?? 0),
          dataDir: options.dataDir ?? null,
          backend: options.dynamodbBackend ?? "auto",
          region: stack.region,
          log,
        });
    if (embedded) cleanups.push(embedded.stop);
    const upstream = embedded
      ? {
          endpoint: embedded.endpoint,
          credentials: embedded.credentials,
          backend: embedded.backend,
          capabilities: embedded.capabilities,
          description: embedded.description,
        }
      : connectionOf(options.dynamodb as LocalDynamoDBConnection);
    const gate = gateOn
      ? await startDynamoDBGate({ stack, upstream, port: options.dynamodbPort ?? 0, log })
      : undefined;
    if (gate) cleanups.push(gate.stop);
    // Each function's worker runs the same gate for its own calls (local/iam/function-gate.ts).
    const functionGate = gate ? await bundleFunctionGate() : undefined;
    if (functionGate) cleanups.push(async () => functionGate.remove());
    const dynamodb: LocalApi["dynamodb"] = gate
      ? {
          ...upstream,
          endpoint: gate.endpoint,
          credentials: gate.principals.admin,
          description: `${upstream.description} behind the IAM gate`,
        }
      : upstream;
    const authorizerCache = options.authorizerCache ?? createAuthorizerCache();
    const now = options.now ?? Date.now;

    const versionContext: ApiVersionContext = {
      rootDir: PROJECT_ROOT,
      upstream,
      gate: gate && functionGate ? { run: gate, functionGateModule: functionGate.modulePath } : undefined,
      authorizerCache,
      now,
      log,
      ...(options.onTrace ? { onTrace: options.onTrace } : {}),
      ...(options.trace !== undefined ? { trace: options.trace } : {}),
      ...(options.debug !== undefined ? { debug: options.debug } : {}),
      ...(options.checkCacheSafety !== undefined ? { checkCacheSafety: options.checkCacheSafety } : {}),
    };
    let current = await serveApiVersion(versionContext, stack, manifest);
    cleanups.push(() => current.lambda.close());
    const retiring = new Set<{ close(): Promise<void> }>();
    cleanups.push(async () => {
      await Promise.all([...retiring].map((lambda) => lambda.close()));
    });

    // The handler of the current version: a reload swaps it without closing the listening socket.
    const server = createServer((request, response) => current.gateway.handler(request, response));
    cleanups.push(() => closeServer(server));
    const port = await listen(server, host, options.port ?? 0, {
      service: "the local API",
      envVariable: "PORT",
    });
    const origin = `http://${host}:${port}`;
    return {
      get url() {
        return `${origin}/${current.gateway.stageName}`;
      },
      origin,
      get stage() {
        return current.gateway.stageName;
      },
      get stageArn() {
        return current.gateway.stageArn;
      },
      dynamodb,
      get tables() {
        return current.tables;
      },
      get outputs() {
        return current.stack.outputs;
      },
      get region() {
        return current.stack.region;
      },
      ...(jwtIssuer ? { jwtIssuer } : {}),
      authorizerCache,
      authorizerCacheEntries: () =>
        authorizerCache.entries(now()).map((entry) => {
          const name = current.authorizerNames.get(entry.authorizerId);
          return name ? { ...entry, authorizer: name } : entry;
        }),
      authorizerInvocations: () =>
        current.authorizerArns.reduce((sum, arn) => sum + current.lambda.invocationCount(arn), 0),
      async reload(reloadOptions = {}) {
        const template = loadTemplate(templatePath);
        const manifest = reloadOptions.manifest ?? loadManifestIfNeeded(template, manifestPath);
        const previous = current;
        current = await serveApiVersion(versionContext, resolveLocal(template, manifest), manifest, true);
        // Requests already inside the old version finish there; its workers stop after a grace.
        retiring.add(previous.lambda);
        setTimeout(() => {
          retiring.delete(previous.lambda);
          void previous.lambda.close();
        }, RELOAD_GRACE_MS).unref();
      },
      reloadFunction: (logicalId) => current.lambda.reload(logicalId),
      invokeFunction: (functionId, event) => current.lambda.invoke(functionId, event),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A DynamoDB the caller runs, described like an embedded one. */
function connectionOf(connection: LocalDynamoDBConnection): LocalApi["dynamodb"] {
  const { endpoint, credentials, backend } = connection;
  return { endpoint, credentials, backend, capabilities: capabilitiesOf(backend), description: backend };
}
