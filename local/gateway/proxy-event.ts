/**
 * The request fields of the events API Gateway sends to Lambda: the AWS_PROXY event and the REQUEST
 * authorizer event share them (resource, path, headers, query string, path parameters, stage
 * variables, requestContext).
 */
import type { ApiModel } from "./api-model-types.js";
import type { AuthorizerResult, GatewayRequest } from "./request-context.js";
import type { Route } from "./router.js";

/**
 * The shared fields. For a proxy event, absent maps are `null` (AWS sample events); the REQUEST
 * authorizer event shows `{}` for them.
 */
export function proxyRequestFields(
  api: ApiModel,
  request: GatewayRequest,
  route: Route,
  context: Record<string, unknown>,
  purpose: "proxy" | "authorizer",
): Record<string, unknown> {
  const orNull = <T extends object>(map: T): T | null =>
    purpose === "proxy" && Object.keys(map).length === 0 ? null : map;
  return {
    resource: route.method.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    queryStringParameters: orNull(request.query),
    multiValueQueryStringParameters: orNull(request.multiValueQuery),
    pathParameters: orNull(route.pathParameters),
    stageVariables: orNull(api.stageVariables),
    requestContext: requestContextOf(context),
  };
}

/**
 * The AWS_PROXY event (reference §11.1): the shared fields plus `body`, `isBase64Encoded` and, when
 * a Lambda authorizer ran, `requestContext.authorizer` = stringified context + principalId +
 * integrationLatency (a number).
 */
export function proxyEvent(
  api: ApiModel,
  request: GatewayRequest,
  route: Route,
  context: Record<string, unknown>,
  auth: AuthorizerResult | undefined,
): Record<string, unknown> & { requestContext: Record<string, unknown> } {
  const fields = proxyRequestFields(api, request, route, context, "proxy");
  const requestContext = requestContextOf(context);
  if (auth) {
    requestContext.authorizer = {
      ...auth.context,
      principalId: auth.principalId,
      integrationLatency: auth.integrationLatency,
    };
  }
  return {
    ...fields,
    requestContext,
    body: request.body === "" ? null : request.body,
    isBase64Encoded: false,
  };
}

function requestContextOf(context: Record<string, unknown>): Record<string, unknown> {
  const { authorizer: _omitted, ...rest } = context;
  return { ...rest };
}
