/**
 * Gateway responses: the answers API Gateway itself produces (401, 403, 500 from the authorizer,
 * 400 from validation, 415, 502, 504, ...), with `AWS::ApiGateway::GatewayResponse` customisation
 * and DEFAULT_4XX / DEFAULT_5XX inheritance.
 *
 * Gateway response templates are simple `$variable` substitution, not VTL (API Gateway docs).
 */
import type { ApiModel, GatewayResponseModel } from "./api-model-types.js";
import { type GatewayRequest, headerValue } from "./request-context.js";

/** The gateway response types the local gateway produces. */
export type GatewayResponseType =
  | "UNAUTHORIZED"
  | "ACCESS_DENIED"
  | "AUTHORIZER_CONFIGURATION_ERROR"
  | "MISSING_AUTHENTICATION_TOKEN"
  | "BAD_REQUEST_PARAMETERS"
  | "BAD_REQUEST_BODY"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "API_CONFIGURATION_ERROR"
  | "INTEGRATION_TIMEOUT"
  | "THROTTLED"
  | "DEFAULT_5XX";

/** A gateway-generated error on its way to the client. */
export interface GatewayError {
  type: GatewayResponseType;
  /** `$context.error.message`; null for AUTHORIZER_CONFIGURATION_ERROR (`{"message":null}`). */
  message: string | null;
  /** Status when it differs from the type's default (502 for a bad proxy response). */
  status?: number;
  /** `$context.error.validationErrorString` (BAD_REQUEST_BODY). */
  validationErrorString?: string;
}

/** A complete HTTP answer. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

interface BuiltIn {
  status: number;
  errorType: string;
  template: string;
}

const MESSAGE_TEMPLATE = '{"message":$context.error.messageString}';
const BUILT_IN: Record<GatewayResponseType, BuiltIn> = {
  UNAUTHORIZED: { status: 401, errorType: "UnauthorizedException", template: MESSAGE_TEMPLATE },
  // The authorizer's 403s are the one place API Gateway writes `Message` with a capital M.
  ACCESS_DENIED: {
    status: 403,
    errorType: "AccessDeniedException",
    template: '{"Message":$context.error.messageString}',
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    status: 500,
    errorType: "AuthorizerConfigurationException",
    template: MESSAGE_TEMPLATE,
  },
  MISSING_AUTHENTICATION_TOKEN: {
    status: 403,
    errorType: "MissingAuthenticationTokenException",
    template: MESSAGE_TEMPLATE,
  },
  BAD_REQUEST_PARAMETERS: { status: 400, errorType: "BadRequestException", template: MESSAGE_TEMPLATE },
  BAD_REQUEST_BODY: { status: 400, errorType: "BadRequestException", template: MESSAGE_TEMPLATE },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, errorType: "BadRequestException", template: MESSAGE_TEMPLATE },
  API_CONFIGURATION_ERROR: {
    status: 500,
    errorType: "InternalServerErrorException",
    template: MESSAGE_TEMPLATE,
  },
  INTEGRATION_TIMEOUT: { status: 504, errorType: "InternalServerErrorException", template: MESSAGE_TEMPLATE },
  THROTTLED: { status: 429, errorType: "TooManyRequestsException", template: MESSAGE_TEMPLATE },
  DEFAULT_5XX: { status: 502, errorType: "InternalServerErrorException", template: MESSAGE_TEMPLATE },
};

/** Messages of the 403s an authorizer policy causes (the current AWS wording, see README). */
export const ACCESS_DENIED_EXPLICIT =
  "User is not authorized to access this resource with an explicit deny in an identity-based policy";
export const ACCESS_DENIED_IMPLICIT =
  "User is not authorized to access this resource because no identity-based policy allows the execute-api:Invoke action";

/**
 * Renders a gateway error as API Gateway would: the configured response of its type, else the
 * configured DEFAULT_4XX / DEFAULT_5XX, else the built-in default; with `x-amzn-ErrorType`,
 * `x-amzn-RequestId` and `x-amz-apigw-id`.
 */
export function renderGatewayResponse(
  api: ApiModel,
  request: GatewayRequest,
  error: GatewayError,
  context: Record<string, unknown>,
  pathParameters: Record<string, string> = {},
): HttpAnswer {
  const builtIn = BUILT_IN[error.type];
  const defaultStatus = error.status ?? builtIn.status;
  const own = api.gatewayResponses.get(error.type);
  const inherited = own ?? api.gatewayResponses.get(defaultStatus < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX");
  const statusCode = Number(inherited?.statusCode ?? defaultStatus);
  const [contentType, template] = chooseTemplate(inherited, builtIn.template);
  const variables = {
    context: {
      ...context,
      error: {
        message: error.message,
        messageString: JSON.stringify(error.message),
        responseType: error.type,
        validationErrorString: error.validationErrorString ?? "",
      },
    },
    stageVariables: api.stageVariables,
    method: { request: methodRequest(request, pathParameters) },
  };
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "x-amzn-RequestId": request.requestId,
    "x-amzn-ErrorType": builtIn.errorType,
    "x-amz-apigw-id": request.extendedRequestId,
  };
  for (const [target, source] of Object.entries(inherited?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    const value = parameterValue(source, request, pathParameters);
    if (name !== undefined && value !== undefined) headers[name] = value;
  }
  return { statusCode, headers, body: substitute(template, variables) };
}

/**
 * An answer API Gateway gives outside the customisable pipeline (413, 414, unknown stage).
 */
export function fixedAnswer(
  request: GatewayRequest,
  statusCode: number,
  message: string,
  errorType?: string,
): HttpAnswer {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "x-amzn-RequestId": request.requestId,
    "x-amz-apigw-id": request.extendedRequestId,
  };
  if (errorType !== undefined) headers["x-amzn-ErrorType"] = errorType;
  return { statusCode, headers, body: JSON.stringify({ message }) };
}

/**
 * The value of a `method.request.*` mapping expression or a `'static'` literal; undefined when the
 * request lacks the parameter.
 */
export function parameterValue(
  source: string,
  request: GatewayRequest,
  pathParameters: Record<string, string>,
): string | undefined {
  if (source.length >= 2 && source.startsWith("'") && source.endsWith("'")) return source.slice(1, -1);
  const m = /^method\.request\.(header|path|querystring)\.(.+)$/.exec(source);
  if (!m) return undefined;
  const name = m[2] as string;
  if (m[1] === "header") return headerValue(request, name);
  return m[1] === "path" ? pathParameters[name] : request.query[name];
}

function chooseTemplate(response: GatewayResponseModel | undefined, fallback: string): [string, string] {
  const templates = Object.entries(response?.responseTemplates ?? {});
  const json = templates.find(([type]) => type.toLowerCase() === "application/json");
  const chosen = json ?? templates[0];
  return chosen ?? ["application/json", fallback];
}

function methodRequest(
  request: GatewayRequest,
  pathParameters: Record<string, string>,
): Record<string, unknown> {
  return { header: request.headers, path: pathParameters, querystring: request.query };
}

/**
 * `$a.b.c` and `${a.b.c}` substitution over `variables`; a missing value becomes empty, text that
 * names no known variable (`$5`) stays as written.
 */
function substitute(template: string, variables: Record<string, unknown>): string {
  return template.replace(/\$\{([A-Za-z][\w.-]*)\}|\$([A-Za-z][\w-]*(?:\.[\w-]+)*)/g, (all, braced, bare) => {
    const path = (braced ?? bare) as string;
    if (!Object.hasOwn(variables, path.split(".")[0] as string)) return all;
    const value = lookup(variables, path);
    return value === undefined || value === null ? "" : String(value);
  });
}

function lookup(variables: Record<string, unknown>, path: string): unknown {
  let value: unknown = variables;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
