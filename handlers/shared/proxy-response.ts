/**
 * Responses of Lambda proxy (`AWS_PROXY`) backends: API Gateway passes `statusCode`, `headers` and
 * `body` through to the client unchanged.
 */

/** A Lambda proxy response (only the keys these backends use; any unknown key makes a 502). */
export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A JSON proxy response.
 */
export function jsonResponse(statusCode: number, body: unknown): ProxyResult {
  return { statusCode, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}
