/**
 * The local API Gateway: one REST API stage of a resolved stack served as a node:http handler, in
 * API Gateway's order — stage and route (403 Missing Authentication Token), Lambda authorizer,
 * request validation, integration (AWS / AWS_PROXY / MOCK), gateway responses for every error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { formatMethodArn } from "../../handlers/shared/method-arn.js";
import { buildApiModels } from "./api-model.js";
import type { ApiModel } from "./api-model-types.js";
import { type AuthorizerRunner, createAuthorizerRunner } from "./authorizer.js";
import { type AuthorizerCache, createAuthorizerCache } from "./authorizer-cache.js";
import { createCacheSafetyCheck } from "./cache-safety.js";
import {
  fixedAnswer,
  type GatewayError,
  type HttpAnswer,
  renderGatewayResponse,
} from "./gateway-responses.js";
import { runAwsIntegration } from "./integration-aws.js";
import { runMockIntegration } from "./integration-mock.js";
import { runProxyIntegration } from "./integration-proxy.js";
import type { IntegrationResult } from "./integration-request.js";
import {
  type BodyBudget,
  type BodyHold,
  createBodyBudget,
  DEFAULT_MAX_CONCURRENT_BODY_BYTES,
  readBody,
} from "./request-body.js";
import { contextVariables, type GatewayRequest, parseRequest } from "./request-context.js";
import { createRequestValidator, type RequestValidator } from "./request-validation.js";
import { createRouter, type Router } from "./router.js";
import {
  gatewayResponseTrace,
  type IntegrationTrace,
  matchedRouteTrace,
  newRequestTrace,
  type RequestTrace,
  traceTime,
} from "./trace.js";
import { tracingInvoker } from "./trace-invocation.js";
import { requestReason } from "./trace-reason.js";
import type { Gateway, GatewayDescription, GatewayOptions, LambdaInvoker } from "./types.js";

/** Every passed validation's trace: one object, not one per request the inspector's ring keeps. */
const VALIDATION_PASSED: RequestTrace["validation"] = Object.freeze({ passed: true });

/** Longest method ARN API Gateway authorizes (longer → 414). */
const MAX_METHOD_ARN_BYTES = 1600;

/**
 * Builds the gateway for the stack's REST API; throws a `cannotEmulate` error (resource and property
 * named) for anything it cannot emulate.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 * import type { LambdaRuntime } from "../lambda/lambda-runtime.js";
 *
 * declare const stack: ResolvedStack;
 * declare const lambda: LambdaRuntime;
 * const gateway = createGateway({ stack, lambda });
 * createServer(gateway.handler).listen(3000, "127.0.0.1");
 * // http://127.0.0.1:3000/<gateway.stageName>/user
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const apis = buildApiModels(options.stack, options.restApiLogicalId);
  const log = options.log ?? (() => {});
  // One budget for the whole server. One authorizer cache whose keys carry the stage: each stage
  // caches apart, as on AWS, and the admin server shows and flushes every stage's entries.
  const cache = options.authorizerCache ?? createAuthorizerCache();
  const bodyBudget = createBodyBudget(options.maxConcurrentBodyBytes ?? DEFAULT_MAX_CONCURRENT_BODY_BYTES);
  const pipelines = apis.map((api) => createPipeline(api, options, cache, bodyBudget));
  const primary = pipelines[0] as Pipeline;
  const { api } = primary;
  if (apis.length > 1) {
    const created = apis.map((stage) => `${stage.stageName} (created by ${stage.stageCreatedBy})`);
    log(`serving ${apis.length} stages of ${api.restApiLogicalId}: ${created.join(", ")}`);
  }
  const byStage = new Map(pipelines.map((pipeline) => [pipeline.api.stageName, pipeline]));
  return {
    apiId: api.apiId,
    stageName: api.stageName,
    stageNames: apis.map((stage) => stage.stageName),
    stageArn: `arn:${api.partition}:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stageName}`,
    handler: (req, res) => {
      // The first path segment picks the stage; a path under no stage gets the first stage's 403.
      const stage = decodeURIComponent((req.url ?? "/").split(/[/?]/)[1] ?? "");
      handle(byStage.get(stage) ?? primary, req, res).catch((error: unknown) => {
        log(`gateway error: ${(error as Error)?.stack ?? String(error)}`);
        if (!res.headersSent) {
          res.writeHead(500, {
            "Content-Type": "application/json",
            "x-amzn-ErrorType": "InternalServerErrorException",
          });
        }
        res.end('{"message":"Internal server error"}');
      });
    },
    describe: () => describeApi(api),
    authorizerCache: cache,
  };
}

function createPipeline(
  api: ApiModel,
  options: GatewayOptions,
  cache: AuthorizerCache,
  bodyBudget: BodyBudget,
): Pipeline {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  warnMissingInvokePermissions(api, log);
  return {
    api,
    lambda: options.lambda,
    now,
    log,
    onTrace: options.trace === false ? undefined : (options.onTrace ?? (() => {})),
    debug: options.debug ?? false,
    router: createRouter(api.methods),
    validator: createRequestValidator(api),
    bodyBudget,
    authorizers: createAuthorizerRunner({
      api,
      lambda: options.lambda,
      cache,
      now,
      log,
      ...(options.checkCacheSafety
        ? { cacheSafety: createCacheSafetyCheck({ lambda: options.lambda, log }) }
        : {}),
      ...(options.authorizerQueueAllowanceMs === undefined
        ? {}
        : { queueAllowanceMs: options.authorizerQueueAllowanceMs }),
    }),
  };
}

interface Pipeline {
  api: ApiModel;
  lambda: LambdaInvoker;
  now: () => number;
  log: (line: string) => void;
  /** Receives each request's trace; undefined when tracing is off (`trace: false`). */
  onTrace: ((trace: RequestTrace) => void) | undefined;
  /** Log every request's whole trace (`LOG_LEVEL=debug`). */
  debug: boolean;
  router: Router;
  validator: RequestValidator;
  authorizers: AuthorizerRunner;
  bodyBudget: BodyBudget;
}

/** Serves one request; its body's bytes count against the shared budget until the answer is sent. */
async function handle(deps: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const hold = deps.bodyBudget.hold();
  try {
    await respond(deps, req, res, hold);
  } finally {
    hold.release();
  }
}

async function respond(
  deps: Pipeline,
  req: IncomingMessage,
  res: ServerResponse,
  hold: BodyHold,
): Promise<void> {
  const { api } = deps;
  const started = performance.now();
  const rawPath = (req.url ?? "/").split("?")[0] as string;
  const stagePrefix = `/${api.stageName}`;
  const inStage = rawPath === stagePrefix || rawPath.startsWith(`${stagePrefix}/`);
  const body = await readBody(req, hold);
  const request = parseRequest(
    req,
    inStage ? rawPath.slice(stagePrefix.length) || "/" : rawPath,
    body === "too-large" || body === "throttled" ? "" : body,
    deps.now(),
  );
  const trace: RequestTrace | undefined =
    deps.onTrace && newRequestTrace(request.requestId, request.httpMethod, rawPath, traceTime(deps.now()));
  let answer: HttpAnswer;
  if (!inStage) {
    answer = fixedAnswer(request, 403, "Forbidden", "ForbiddenException");
    if (trace) trace.route = { matched: false, why: `the path is not under the stage ${stagePrefix}` };
  } else if (body === "too-large") answer = fixedAnswer(request, 413, "Request Too Long");
  else if (body === "throttled") {
    deps.log(`request body refused: request bodies in progress already hold the local limit of body bytes`);
    answer = renderGatewayResponse(
      api,
      request,
      { type: "THROTTLED", message: "Too Many Requests" },
      contextVariables(api, request, undefined, undefined),
      {},
    );
  } else answer = await serve(deps, request, trace);
  send(res, answer);
  const durationMs = Math.round(performance.now() - started);
  let line = `${request.httpMethod} ${rawPath} ${answer.statusCode}`;
  if (trace) {
    trace.status = answer.statusCode;
    trace.durationMs = durationMs;
    const reason = requestReason(trace);
    if (reason) {
      trace.reason = reason;
      line += ` — ${reason}`;
    }
    deps.onTrace?.(trace);
  }
  deps.log(`${line} ${durationMs}ms ${request.requestId}`);
  if (trace && deps.debug) deps.log(JSON.stringify(trace, null, 2));
}

async function serve(deps: Pipeline, request: GatewayRequest, trace?: RequestTrace): Promise<HttpAnswer> {
  const { api } = deps;
  const route = deps.router.route(request.httpMethod, request.path);
  const baseContext = contextVariables(api, request, route?.method, undefined);
  const render = (error: GatewayError, context: Record<string, unknown>) => {
    const answer = renderGatewayResponse(api, request, error, context, route?.pathParameters ?? {});
    if (trace) trace.gatewayResponse = gatewayResponseTrace(error.type, answer.statusCode, error.message);
    return answer;
  };
  if (!route) {
    if (trace)
      trace.route = { matched: false, why: deps.router.explainMiss(request.httpMethod, request.path) };
    return render(
      { type: "MISSING_AUTHENTICATION_TOKEN", message: "Missing Authentication Token" },
      baseContext,
    );
  }
  const { method, pathParameters } = route;
  if (trace) trace.route = matchedRouteTrace(method);

  let auth: Parameters<typeof contextVariables>[3];
  if (method.authorizer) {
    const methodArn = formatMethodArn({
      partition: api.partition,
      region: api.region,
      accountId: api.accountId,
      apiId: api.apiId,
      stage: api.stageName,
      verb: request.httpMethod,
      resourcePath: request.path.slice(1),
    });
    if (Buffer.byteLength(methodArn) > MAX_METHOD_ARN_BYTES)
      return fixedAnswer(request, 414, "Request-URI Too Long");
    const outcome = await deps.authorizers.authorize({
      authorizer: method.authorizer,
      request,
      route,
      methodArn,
      context: baseContext,
      trace,
    });
    if (outcome.kind === "deny") {
      const deniedContext = outcome.result
        ? contextVariables(api, request, method, outcome.result)
        : baseContext;
      return render(outcome.error, deniedContext);
    }
    auth = outcome.result;
  }
  const context = contextVariables(api, request, method, auth);
  const invalid = deps.validator.validate(method, request, pathParameters);
  if (trace)
    trace.validation = invalid ? { passed: false, message: invalid.message ?? "" } : VALIDATION_PASSED;
  if (invalid) return render(invalid, context);

  const integrationTrace: IntegrationTrace | undefined = trace && { type: method.integration.type };
  if (trace) trace.integration = integrationTrace;
  const { invoke } = method.integration;
  if (invoke !== undefined && !invoke.allowed) {
    if (integrationTrace) integrationTrace.invokePermissionMissing = invoke.missing;
    deps.log(
      `${method.httpMethod} ${method.resourcePath}: Execution failed due to configuration error: Invalid permissions on Lambda function (${invoke.missing})`,
    );
    return render({ type: "API_CONFIGURATION_ERROR", message: "Internal server error" }, context);
  }
  const lambda = integrationTrace ? tracingInvoker(deps.lambda, integrationTrace) : deps.lambda;
  const input = { api, method, request, pathParameters, context, auth, trace: integrationTrace };
  let result: IntegrationResult;
  switch (method.integration.type) {
    case "MOCK":
      result = runMockIntegration(input);
      break;
    case "AWS":
      result = await runAwsIntegration(input, lambda);
      break;
    case "AWS_PROXY":
      result = await runProxyIntegration(input, lambda);
      break;
  }
  return result.kind === "answer" ? result.answer : render(result.error, context);
}

/** Says at start-up which methods will answer 500 for want of an invoke permission. */
function warnMissingInvokePermissions(api: ApiModel, log: (line: string) => void): void {
  for (const authorizer of api.authorizers) {
    if (!authorizer.invoke.allowed) {
      log(`warning: authorizer ${authorizer.logicalId} will answer 500: ${authorizer.invoke.missing}`);
    }
  }
  for (const method of api.methods) {
    const { invoke } = method.integration;
    if (invoke !== undefined && !invoke.allowed) {
      log(`warning: ${method.httpMethod} ${method.resourcePath} will answer 500: ${invoke.missing}`);
    }
  }
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.statusCode, answer.headers);
  res.end(answer.body);
}

function describeApi(api: ApiModel): GatewayDescription {
  return {
    apiId: api.apiId,
    stageName: api.stageName,
    routes: api.methods.map((m) => `${m.httpMethod} ${m.resourcePath}`).sort(),
    authorizers: api.authorizers.map((a) => ({
      id: a.id,
      logicalId: a.logicalId,
      type: a.type,
      ttlSeconds: a.ttlSeconds,
    })),
  };
}
