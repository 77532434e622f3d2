/**
 * The serverless-offline peer of the benchmark: a Serverless Framework v3 service generated from
 * cloudformation/api.yaml (the one description of the API), so the peer serves the same routes with
 * the same bundled handlers, TOKEN authorizer, validation schema and mapping templates as the local
 * gateway. Methods the peer cannot express the same way (REQUEST authorizers, MOCK integrations)
 * are left out; the benchmark only calls the /user methods.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LocalDynamoDBConnection } from "../lib/aws/local-dynamodb.js";
import type { Manifest } from "../lib/build/manifest.js";
import { type ResolvedStack, resourcesOfType } from "../local/cloudformation/resolved-stack.js";
import { type ApiModel, buildApiModel, type MethodModel } from "../local/gateway/api-model.js";

/** What the generated service needs to know about the running local stack it shares DynamoDB with. */
export interface PeerServiceOptions {
  stack: ResolvedStack;
  manifest: Manifest;
  /** The repository root (the manifest's paths are relative to it). */
  rootDir: string;
  /** Where to write serverless.json and the copied bundles. */
  serviceDir: string;
  /** The embedded DynamoDB both gateways use, and the credentials of the local run's database in it. */
  dynamodb: Pick<LocalDynamoDBConnection, "endpoint" | "credentials">;
  /** Table names by logical id, as the local run created them. */
  tables: Record<string, string>;
  httpPort: number;
  lambdaPort: number;
}

/**
 * Writes `serviceDir/serverless.json` and copies each needed bundle to `serviceDir/functions/<id>/`.
 * Returns the routes it serves (`GET /user/{id}`, ...).
 */
export function writePeerService(options: PeerServiceOptions): string[] {
  const { stack, manifest, rootDir, serviceDir } = options;
  const api = buildApiModel(stack);
  const functionIdByArn = new Map(
    resourcesOfType(stack, "AWS::Lambda::Function").map(([logicalId, fn]) => [fn.attributes.Arn, logicalId]),
  );
  const methods = api.methods.filter(
    (method) => method.integration.type === "AWS" && method.authorizer?.type === "TOKEN",
  );
  const functions: Record<
    string,
    { handler: string; environment: Record<string, string>; events: unknown[] }
  > = {};
  const addFunction = (arn: string | undefined): string => {
    const logicalId = functionIdByArn.get(arn ?? "");
    const packaged = logicalId === undefined ? undefined : manifest.functions[logicalId];
    if (logicalId === undefined || packaged === undefined) {
      throw new Error(`the peer service needs a packaged function for ${arn}: run make package`);
    }
    if (!functions[logicalId]) {
      cpSync(resolve(rootDir, packaged.buildDir), join(serviceDir, "functions", logicalId), {
        recursive: true,
      });
      functions[logicalId] = {
        handler: `functions/${logicalId}/index.handler`,
        environment: functionEnvironment(stack, logicalId, options.tables),
        events: [],
      };
    }
    return logicalId;
  };
  for (const method of methods) {
    const authorizerName = addFunction(method.authorizer?.functionArn);
    const functionName = addFunction(method.integration.functionArn);
    functions[functionName]?.events.push({ http: httpEvent(api, method, authorizerName) });
  }

  const service = {
    service: "bench-peer",
    frameworkVersion: "3",
    configValidationMode: "off",
    provider: {
      name: "aws",
      runtime: "nodejs20.x",
      region: stack.region,
      stage: api.stageName,
      environment: {
        AWS_ENDPOINT_URL_DYNAMODB: options.dynamodb.endpoint,
        AWS_ACCESS_KEY_ID: options.dynamodb.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: options.dynamodb.credentials.secretAccessKey,
        AWS_REGION: stack.region,
      },
    },
    plugins: ["serverless-offline"],
    custom: {
      "serverless-offline": {
        host: "127.0.0.1",
        httpPort: options.httpPort,
        lambdaPort: options.lambdaPort,
        noSponsor: true,
      },
    },
    functions,
  };
  mkdirSync(serviceDir, { recursive: true });
  writeFileSync(join(serviceDir, "serverless.json"), `${JSON.stringify(service, null, 2)}\n`);
  return methods.map((method) => `${method.httpMethod} ${method.resourcePath}`);
}

/** One `http` event of serverless v3, from the template's method. */
function httpEvent(api: ApiModel, method: MethodModel, authorizerName: string): Record<string, unknown> {
  const authorizer = method.authorizer;
  const integration = method.integration;
  const schemas = method.validateBody
    ? Object.fromEntries(
        Object.entries(method.requestModels).map(([contentType, model]) => [
          contentType,
          api.models.get(model)?.schema ?? {},
        ]),
      )
    : undefined;
  // serverless-offline reads `responses` in API Gateway's own shape: a default and named patterns.
  const responses: Record<string, unknown> = {};
  for (const response of integration.responses) {
    responses[response.selectionPattern === undefined ? "default" : `status${response.statusCode}`] = {
      statusCode: Number(response.statusCode),
      selectionPattern: response.selectionPattern,
      responseParameters: response.responseParameters,
      responseTemplates: response.responseTemplates,
    };
  }
  return {
    path: method.resourcePath.replace(/^\//, ""),
    method: method.httpMethod.toLowerCase(),
    integration: "lambda",
    authorizer: {
      name: authorizerName,
      type: "token",
      identitySource: authorizer?.identitySources[0]?.expression,
      identityValidationExpression: authorizer?.validationExpression?.source,
      resultTtlInSeconds: authorizer?.ttlSeconds,
    },
    request: {
      template: integration.requestTemplates,
      passThrough: integration.passthroughBehavior,
      schemas,
    },
    responses,
  };
}

/** The function's template environment, with table names as the local run created them. */
function functionEnvironment(
  stack: ResolvedStack,
  logicalId: string,
  tables: Record<string, string>,
): Record<string, string> {
  const properties = stack.resources[logicalId]?.properties ?? {};
  const variables = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables ?? {}) as Record<string, unknown>;
  const tableNameByPhysicalId = new Map(
    resourcesOfType(stack, "AWS::DynamoDB::Table").map(([id, table]) => [table.physicalId, tables[id]]),
  );
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      tableNameByPhysicalId.get(String(value)) ?? String(value),
    ]),
  );
}
