/**
 * Test harness for the local gateway: a template resolved with the stack resolver, served by
 * createGateway on 127.0.0.1:0, with an in-process fake Lambda invoker that records every call.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { loadTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { createGateway } from "../../../local/gateway/gateway.js";
import type { RequestTrace } from "../../../local/gateway/trace.js";
import type { Gateway, GatewayOptions, LambdaOutcome, ResolvedStack } from "../../../local/gateway/types.js";

/** A fake function: gets the event, returns what the function "did". */
export type FakeFunction = (
  event: Record<string, unknown>,
  signal?: AbortSignal,
) => LambdaOutcome | Promise<LambdaOutcome>;

/** A started test gateway. */
export interface TestGateway {
  /** `http://127.0.0.1:<port>/<stage>` */
  url: string;
  origin: string;
  gateway: Gateway;
  stack: ResolvedStack;
  /** Events each function (by logical id) received, in order. */
  calls: Record<string, Record<string, unknown>[]>;
  /** Test clock in ms (drives the authorizer cache TTL). */
  clock: { now: number };
  logs: string[];
  /** Each request's decision trace, in order. */
  traces: RequestTrace[];
  /** Logical ids of functions whose invocation the gateway aborted (it stopped waiting), in order. */
  aborted: string[];
  stop(): Promise<void>;
}

/** The result of a function that returned `payload`. */
export const result = (payload: unknown): LambdaOutcome => ({ kind: "result", payload });
/** The result of a function that threw `new Error(message)`. */
export const thrown = (errorMessage: string, errorType = "Error"): LambdaOutcome => ({
  kind: "error",
  errorType,
  errorMessage,
  trace: [`${errorType}: ${errorMessage}`, "    at handler (index.js:1:1)"],
});

/** An Allow/Deny policy for the given resources. */
export function policy(
  effect: "Allow" | "Deny",
  resource: string | string[],
  principalId = "alice",
  context?: unknown,
) {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }],
    },
    ...(context === undefined ? {} : { context }),
  };
}

/**
 * Starts a gateway for `templates/<name>.yaml` with `functions` by logical id.
 *
 * @example
 * ```ts
 * const api = await startTestGateway("token-aws", { AuthFunction: () => result(policy("Allow", "*")) });
 * ```
 */
export async function startTestGateway(
  name: string,
  functions: Record<string, FakeFunction>,
  parameterOverrides: Record<string, string> = {},
  options: Pick<
    GatewayOptions,
    "checkCacheSafety" | "maxConcurrentBodyBytes" | "authorizerQueueAllowanceMs"
  > = {},
): Promise<TestGateway> {
  const path = fileURLToPath(new URL(`./templates/${name}.yaml`, import.meta.url));
  const stack = resolveStack(loadTemplate(path), { parameterOverrides });
  const byArn = new Map<string, string>();
  for (const [logicalId, r] of Object.entries(stack.resources)) {
    if (r.type === "AWS::Lambda::Function") byArn.set(r.attributes.Arn as string, logicalId);
  }
  const calls: Record<string, Record<string, unknown>[]> = {};
  const clock = { now: Date.UTC(2026, 0, 1) };
  const logs: string[] = [];
  const traces: RequestTrace[] = [];
  const aborted: string[] = [];
  const gateway = createGateway({
    stack,
    now: () => clock.now,
    log: (line) => logs.push(line),
    onTrace: (trace) => traces.push(trace),
    ...options,
    lambda: {
      async invoke(arn, event, invokeOptions) {
        const logicalId = byArn.get(arn);
        const fn = logicalId === undefined ? undefined : functions[logicalId];
        if (logicalId === undefined || fn === undefined)
          return { kind: "crash", message: `no fake for ${arn}` };
        calls[logicalId] = [...(calls[logicalId] ?? []), event as Record<string, unknown>];
        invokeOptions?.signal?.addEventListener("abort", () => aborted.push(logicalId), { once: true });
        return fn(event as Record<string, unknown>, invokeOptions?.signal);
      },
    },
  });
  const server: Server = createServer(gateway.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/${gateway.stageName}`,
    origin,
    gateway,
    stack,
    calls,
    clock,
    logs,
    traces,
    aborted,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A response as the tests read it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

/**
 * Sends one HTTP request (node:http, so header names and GET bodies go out exactly as given).
 */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<TestResponse> {
  const headers = { ...options.headers };
  // Node sends a GET body without framing unless told its length.
  if (options.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
