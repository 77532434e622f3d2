/**
 * The request as API Gateway sees it (headers, query string, path, ids, times) and the `$context`
 * variables mapping templates and gateway responses read.
 */
import { randomFillSync, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ApiModel, MethodModel } from "./api-model-types.js";

/** One incoming request, parsed once and shared by every stage of the pipeline. */
export interface GatewayRequest {
  /** `x-amzn-RequestId` / `$context.requestId`. */
  requestId: string;
  /** `x-amz-apigw-id` / `$context.extendedRequestId`. */
  extendedRequestId: string;
  httpMethod: string;
  /** The path after the stage, starting with `/` (what routing and the method ARN use). */
  path: string;
  /** Header names as sent; the last value of a repeated header (API Gateway's `headers`). */
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  query: Record<string, string>;
  multiValueQuery: Record<string, string[]>;
  body: string;
  sourceIp: string;
  requestTimeEpoch: number;
  protocol: string;
  domainName: string;
}

/** What a successful authorizer hands on to the integration. */
export interface AuthorizerResult {
  principalId: string;
  /** The context with values stringified (null stays null, as on AWS). */
  context: Record<string, string | null>;
  /** Milliseconds the authorizer took (0 on a cache hit). */
  integrationLatency: number;
}

/**
 * Parses the parts of a request the gateway needs (the body is read separately, with its limit).
 */
export function parseRequest(req: IncomingMessage, path: string, body: string, now: number): GatewayRequest {
  // Repeated headers merge case-insensitively under the first spelling: one Map lookup per header,
  // so thousands of headers cost linear time.
  const headerLists = new Map<string, { name: string; values: string[] }>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    const entry = headerLists.get(lower);
    if (entry) entry.values.push(raw[i + 1] as string);
    else headerLists.set(lower, { name, values: [raw[i + 1] as string] });
  }
  const multiValueHeaders = dictionary<string[]>();
  for (const { name, values } of headerLists.values()) multiValueHeaders[name] = values;
  const url = new URL(req.url ?? "/", "http://localhost");
  const multiValueQuery = dictionary<string[]>();
  for (const [key, value] of url.searchParams) {
    const values = multiValueQuery[key];
    if (values) values.push(value);
    else multiValueQuery[key] = [value];
  }
  return {
    requestId: randomUUID(),
    extendedRequestId: extendedRequestId(),
    httpMethod: (req.method ?? "GET").toUpperCase(),
    path,
    headers: lastValues(multiValueHeaders),
    multiValueHeaders,
    query: lastValues(multiValueQuery),
    multiValueQuery,
    body,
    sourceIp: normaliseIp(req.socket.remoteAddress),
    requestTimeEpoch: now,
    protocol: `HTTP/${req.httpVersion}`,
    domainName: req.headers.host ?? "localhost",
  };
}

/**
 * A header's value, looked up case-insensitively (HTTP/2 clients send lower-case names).
 */
export function headerValue(request: GatewayRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * The media type of the request's Content-Type without parameters, lower-cased; a request without
 * one counts as `application/json` (API Gateway's rule for templates and models).
 */
export function requestMediaType(request: GatewayRequest): string {
  const value = headerValue(request, "content-type");
  const media = value?.split(";")[0]?.trim().toLowerCase();
  return media ? media : "application/json";
}

/**
 * The `$context` variables of a request (mapping templates, gateway responses, REQUEST authorizer
 * `context.*` identity sources) — the same values `requestContext` of a proxy event carries.
 */
export function contextVariables(
  api: ApiModel,
  request: GatewayRequest,
  method: MethodModel | undefined,
  auth: AuthorizerResult | undefined,
): Record<string, unknown> {
  const stagePath = `/${api.stageName}${request.path}`;
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    authorizer: auth ? { ...auth.context, principalId: auth.principalId } : {},
    domainName: request.domainName,
    domainPrefix: request.domainName.split(".")[0],
    extendedRequestId: request.extendedRequestId,
    httpMethod: request.httpMethod,
    identity: identityOf(request),
    path: stagePath,
    protocol: request.protocol,
    requestId: request.requestId,
    requestTime: formatRequestTime(request.requestTimeEpoch),
    requestTimeEpoch: request.requestTimeEpoch,
    resourceId: method?.resourceId,
    resourcePath: method?.resourcePath,
    stage: api.stageName,
  };
}

/**
 * `requestContext.identity` / `$context.identity`: only the source IP and user agent exist locally;
 * the IAM and Cognito fields are null as for a call without IAM auth.
 */
export function identityOf(request: GatewayRequest): Record<string, string | null> {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent: headerValue(request, "user-agent") ?? null,
    userArn: null,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * `$context.requestTime` in API Gateway's CLF format.
 */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * A record for names the client chooses (headers, query keys): no prototype, so `constructor`,
 * `toString` and `__proto__` are ordinary keys — absent ones read as undefined, and assigning
 * `__proto__` stores a value instead of replacing the prototype.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

const EXTENDED_ID_BYTES = 11;
const randomPool = Buffer.alloc(EXTENDED_ID_BYTES * 256);
let randomOffset = randomPool.length;

/**
 * 11 random bytes in base64, like API Gateway's extended request ids. Taken from a pool filled 256
 * ids at a time (as Node's `randomUUID` does): a `randomBytes` call per request costs more than the
 * rest of parsing it.
 */
function extendedRequestId(): string {
  if (randomOffset >= randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const id = randomPool.toString("base64", randomOffset, randomOffset + EXTENDED_ID_BYTES);
  randomOffset += EXTENDED_ID_BYTES;
  return id;
}

function lastValues(multi: Record<string, string[]>): Record<string, string> {
  const last = dictionary<string>();
  for (const [key, values] of Object.entries(multi)) last[key] = values[values.length - 1] ?? "";
  return last;
}

function normaliseIp(address: string | undefined): string {
  return address?.startsWith("::ffff:") ? address.slice(7) : (address ?? "127.0.0.1");
}
