/**
 * The contract between the local API Gateway (`local/gateway/`) and the rest of the local run
 * (`local/index.ts`): the resolved stack the gateway reads and the Lambda invoker it calls.
 *
 * The gateway never resolves intrinsics and never runs code itself: it is handed a stack whose
 * properties are plain values and an invoker that runs a function by ARN, so it can be tested with
 * a fake invoker and a tiny template.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
import type { AuthorizerCache } from "./authorizer-cache.js";
import type { RequestTrace } from "./trace.js";

export type { ResolvedResource, ResolvedStack } from "../cloudformation/resolved-stack.js";

/**
 * What happened when a Lambda function was invoked. `logs`: the last lines the function wrote during
 * this invocation, when the invoker captures them (for the decision trace).
 */
export type LambdaOutcome =
  /** The handler returned (or called back with) `payload`, already JSON-parsed. */
  (
    | { kind: "result"; payload: unknown }
    /** The handler threw or rejected: the fields of Lambda's error response. */
    | { kind: "error"; errorType: string; errorMessage: string; trace?: string[] }
    /** The function ran past its configured Timeout. */
    | { kind: "timeout" }
    /** The runtime died (worker exit, unserialisable result, missing handler, …). */
    | { kind: "crash"; message: string }
    /** Not run: the function's queue of waiting invocations is full (the local run's throttle). */
    | { kind: "throttled" }
  ) & { logs?: string[]; initFailed?: boolean };

/** How a caller bounds an invocation. */
export interface InvokeOptions {
  /** Aborted when the caller stops waiting (504): the invocation is stopped, its worker recycled. */
  signal?: AbortSignal;
}

/** Runs Lambda functions; implemented by `local/lambda/` (worker threads), faked in tests. */
export interface LambdaInvoker {
  /**
   * Invokes the function named by `functionArn`
   * (`arn:aws:lambda:<region>:<account>:function:<name>`) with `event`.
   */
  invoke(functionArn: string, event: unknown, options?: InvokeOptions): Promise<LambdaOutcome>;
}

/** Options of {@link createGateway} (in `gateway.ts`). */
export interface GatewayOptions {
  stack: ResolvedStack;
  lambda: LambdaInvoker;
  /** One line per request and per notable event; never receives a token. Default: no logging. */
  log?: (line: string) => void;
  /** Clock in epoch milliseconds, for the authorizer cache TTL and `$context.requestTime`. Default `Date.now`. */
  now?: () => number;
  /**
   * Which RestApi to serve when the stack has several (logical id). Default: the only one; more than
   * one without this option is refused.
   */
  restApiLogicalId?: string;
  /**
   * The authorizer result cache of every stage (keys carry the stage). Default: a new one. The local
   * run passes one that outlives a reload of the API, so the admin server can show and flush it.
   */
  authorizerCache?: AuthorizerCache;
  /** Receives each request's decision trace after the answer is sent (the inspector's ring). */
  onTrace?: (trace: RequestTrace) => void;
  /**
   * Whether to trace requests (default true): the trace gives the reason on each non-2xx log line.
   * `false` only for measuring what tracing costs.
   */
  trace?: boolean;
  /** Log each request's whole trace after its line (`LOG_LEVEL=debug`). Default false. */
  debug?: boolean;
  /**
   * Warn about a cache-unsafe authorizer (cache-safety.ts): after a cached policy denies, call the
   * authorizer afresh, off the request path, to see whether it would allow. Default false: the
   * extra invocations would skew invocation counts (tests, benchmarks); `make start` turns it on.
   */
  checkCacheSafety?: boolean;
  /**
   * Most request-body bytes held at once by requests in progress; a request that would pass it is
   * answered 429 (THROTTLED) like API Gateway's throttling. Default 64 MiB.
   */
  maxConcurrentBodyBytes?: number;
  /**
   * How long an authorizer call may wait for a free environment of its function beyond the
   * function's Timeout (local queueing; Lambda scales out instead). Default 29 s.
   */
  authorizerQueueAllowanceMs?: number;
}

/** What the gateway serves, for start-up lines and tests. */
export interface GatewayDescription {
  apiId: string;
  stageName: string;
  /** Each method as `VERB /path` (e.g. `GET /user/{id}`), sorted. */
  routes: string[];
  /** Authorizers by logical id, with their type and cache TTL in seconds. */
  authorizers: { id: string; logicalId: string; type: "TOKEN" | "REQUEST"; ttlSeconds: number }[];
}

/** A running gateway: an HTTP request handler for a node:http server. */
export interface Gateway {
  /** Serves one request; never throws (failures become API Gateway-shaped 5xx answers). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The first stage (the Stage resource's, else a Deployment's StageName): what the admin server shows. */
  stageName: string;
  /** Every served stage, the first one first (a Deployment's StageName beside the Stage resource's). */
  stageNames: string[];
  apiId: string;
  /** The stage's execute-api ARN, the base of every method ARN: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>`. */
  stageArn: string;
  describe(): GatewayDescription;
  /** The authorizer result cache this gateway uses, for all its stages. */
  authorizerCache: AuthorizerCache;
}
