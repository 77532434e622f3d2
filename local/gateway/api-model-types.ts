/**
 * The shapes of the served API (see api-model.ts, which builds them from a resolved stack).
 */

/** Whether API Gateway may invoke a function (invoke-permissions.ts): how, or what is missing. */
export type InvokePermission = { allowed: true; by: string } | { allowed: false; missing: string };

/** Where a REQUEST authorizer (or the TOKEN header) takes an identity value from. */
export interface IdentitySource {
  kind: "header" | "querystring" | "stageVariables" | "context";
  /** Header / query string / stage variable name, or a `$context` path such as `identity.sourceIp`. */
  name: string;
  /** The mapping expression as written, e.g. `method.request.header.Authorization`. */
  expression: string;
}

/** A Lambda authorizer (`AWS::ApiGateway::Authorizer` of type TOKEN or REQUEST). */
export interface AuthorizerModel {
  id: string;
  logicalId: string;
  type: "TOKEN" | "REQUEST";
  functionArn: string;
  identitySources: IdentitySource[];
  /** IdentityValidationExpression (TOKEN only), matched against the whole token. */
  validationExpression: RegExp | undefined;
  /** Result cache TTL in seconds; 0 = no cache. */
  ttlSeconds: number;
  /** The role API Gateway assumes to invoke the function (`AuthorizerCredentials`), if any. */
  credentials: string | undefined;
  /** Whether API Gateway may invoke the function (decided by buildApiModel). */
  invoke: InvokePermission;
}

/** One entry of `Integration.IntegrationResponses`. */
export interface IntegrationResponseModel {
  statusCode: string;
  /** Java regex matched against the whole Lambda `errorMessage` (or the MOCK status); absent = default. */
  selectionPattern: string | undefined;
  /** `method.response.header.X` → `'literal'` or `integration.response.header|body...`. */
  responseParameters: Record<string, string>;
  /** Content type → VTL template. */
  responseTemplates: Record<string, string>;
}

/** How the body reaches the integration when no request template matches. */
export type PassthroughBehavior = "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";

/** A method's integration. */
export interface IntegrationModel {
  type: "AWS" | "AWS_PROXY" | "MOCK";
  /** The Lambda function ARN taken from the integration Uri (AWS / AWS_PROXY). */
  functionArn: string | undefined;
  passthroughBehavior: PassthroughBehavior;
  requestTemplates: Record<string, string>;
  responses: IntegrationResponseModel[];
  timeoutMs: number;
  /** The role API Gateway assumes to invoke the function (`Credentials`), if any. */
  credentials: string | undefined;
  /** Whether API Gateway may invoke the function (AWS / AWS_PROXY; decided by buildApiModel). */
  invoke: InvokePermission | undefined;
}

/** One `AWS::ApiGateway::Method`. */
export interface MethodModel {
  logicalId: string;
  resourceId: string;
  /** The resource path template, e.g. `/user/{id}`. */
  resourcePath: string;
  /** Upper-case verb or `ANY`. */
  httpMethod: string;
  authorizer: AuthorizerModel | undefined;
  /** `method.request.(header|querystring|path).X` → required. */
  requestParameters: Record<string, boolean>;
  validateBody: boolean;
  validateParameters: boolean;
  /** Content type (or `$default`) → model name. */
  requestModels: Record<string, string>;
  integration: IntegrationModel;
  /** Status code → declared `method.response.header.*` names. */
  methodResponses: Map<string, Set<string>>;
}

/** A model: a draft-04 JSON schema. */
export interface ModelSchema {
  contentType: string | undefined;
  schema: Record<string, unknown>;
}

/** A configured `AWS::ApiGateway::GatewayResponse`. */
export interface GatewayResponseModel {
  logicalId: string;
  type: string;
  statusCode: string | undefined;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

/** The served REST API and stage. */
export interface ApiModel {
  apiId: string;
  restApiLogicalId: string;
  stageName: string;
  stageVariables: Record<string, string>;
  /** The resource that creates this stage, e.g. `Stage (AWS::ApiGateway::Stage)`. */
  stageCreatedBy: string;
  /** The API's other stages (served beside this one, each with its own model). */
  otherStages: { name: string; createdBy: string }[];
  region: string;
  accountId: string;
  /** The ARN partition of the region (`aws`, `aws-cn`, `aws-us-gov`). */
  partition: string;
  /** Resource id → full path template (`/` for the root). */
  resourcePaths: Map<string, string>;
  methods: MethodModel[];
  authorizers: AuthorizerModel[];
  /** Model name → schema (including the built-in `Empty` and `Error`). */
  models: Map<string, ModelSchema>;
  /** Response type → configured gateway response. */
  gatewayResponses: Map<string, GatewayResponseModel>;
  /** Function ARN → configured Timeout in seconds (for Lambda's "Task timed out" error). */
  functionTimeouts: Map<string, number>;
}
