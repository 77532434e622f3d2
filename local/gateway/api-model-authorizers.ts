/**
 * Builds the authorizer part of the API model from `AWS::ApiGateway::Authorizer` resources.
 */
import type { AuthorizerModel, IdentitySource } from "./api-model-types.js";
import { cannotEmulate, invalidTemplate } from "./errors.js";
import { compileWholeMatch } from "./java-regex.js";
import { allowOnly, requireString } from "./property-checks.js";
import type { ResolvedResource } from "./types.js";

/** Default and maximum of AuthorizerResultTtlInSeconds (API reference). */
const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3600;

const LAMBDA_URI = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

/**
 * The function ARN inside a Lambda integration / authorizer URI, or undefined for any other URI.
 */
export function functionArnOfUri(uri: unknown): string | undefined {
  return typeof uri === "string" ? LAMBDA_URI.exec(uri)?.[1] : undefined;
}

/**
 * Authorizers by physical id; refuses Cognito and IAM authorizers and malformed identity sources.
 */
export function buildAuthorizers(resources: [string, ResolvedResource][]): Map<string, AuthorizerModel> {
  const authorizers = new Map<string, AuthorizerModel>();
  for (const [logicalId, r] of resources) {
    const p = r.properties;
    allowOnly(logicalId, "", p, [
      "RestApiId",
      "Name",
      "Type",
      "AuthorizerUri",
      "AuthorizerCredentials",
      "AuthType",
      "IdentitySource",
      "IdentityValidationExpression",
      "AuthorizerResultTtlInSeconds",
    ]);
    const type = requireString(logicalId, "Type", p.Type).toUpperCase();
    if (type !== "TOKEN" && type !== "REQUEST") {
      throw cannotEmulate(logicalId, "Type", { expected: "TOKEN or REQUEST", actual: type });
    }
    const functionArn = functionArnOfUri(p.AuthorizerUri);
    if (functionArn === undefined) {
      throw invalidTemplate(logicalId, "AuthorizerUri", {
        expected: "arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations",
        actual: JSON.stringify(p.AuthorizerUri),
      });
    }
    const ttlSeconds =
      p.AuthorizerResultTtlInSeconds === undefined
        ? DEFAULT_TTL_SECONDS
        : Number(p.AuthorizerResultTtlInSeconds);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS) {
      throw invalidTemplate(logicalId, "AuthorizerResultTtlInSeconds", {
        expected: `an integer from 0 to ${MAX_TTL_SECONDS}`,
        actual: String(p.AuthorizerResultTtlInSeconds),
      });
    }
    const identitySources = parseIdentitySources(logicalId, type, p.IdentitySource, ttlSeconds);
    authorizers.set(r.physicalId, {
      id: r.physicalId,
      logicalId,
      type,
      functionArn,
      identitySources,
      validationExpression: validationExpression(logicalId, type, p.IdentityValidationExpression),
      ttlSeconds,
      credentials: credentialsOf(logicalId, "AuthorizerCredentials", p.AuthorizerCredentials),
      // Decided by buildApiModel once the stack's permissions are known.
      invoke: { allowed: false, missing: "not decided yet" },
    });
  }
  return authorizers;
}

/**
 * The role ARN API Gateway assumes to invoke a function; refuses the caller's-credentials form
 * (`arn:aws:iam::*:user/*`), which needs IAM-signed requests the local gateway does not take.
 */
export function credentialsOf(logicalId: string, property: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const arn = requireString(logicalId, property, value);
  if (!/^arn:[^:]+:iam::\d{12}:role\//.test(arn)) {
    throw cannotEmulate(logicalId, property, {
      expected:
        "an IAM role ARN of this template (caller credentials, arn:aws:iam::*:user/*, are not emulated)",
      actual: arn,
    });
  }
  return arn;
}

function validationExpression(logicalId: string, type: string, value: unknown): RegExp | undefined {
  if (value === undefined || value === "") return undefined;
  if (type !== "TOKEN") {
    // API Gateway only applies the expression to TOKEN authorizers; accepting it silently elsewhere
    // would suggest a check that never happens.
    throw cannotEmulate(logicalId, "IdentityValidationExpression", {
      expected: "no IdentityValidationExpression on a REQUEST authorizer (API Gateway ignores it)",
      actual: String(value),
    });
  }
  const compiled = compileWholeMatch(String(value));
  if (typeof compiled === "string") {
    throw cannotEmulate(logicalId, "IdentityValidationExpression", { actual: compiled });
  }
  return compiled;
}

const SOURCE = /^(?:method\.request\.(header|querystring)\.(.+)|(stageVariables)\.(.+)|(context)\.(.+))$/;

function parseIdentitySources(
  logicalId: string,
  type: string,
  value: unknown,
  ttl: number,
): IdentitySource[] {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") {
    // TOKEN needs its header; REQUEST needs sources only when caching (API reference).
    if (type === "TOKEN" || ttl > 0) {
      throw invalidTemplate(logicalId, "IdentitySource", {
        expected:
          type === "TOKEN" ? "method.request.header.<Name>" : "identity sources when the TTL is above 0",
        actual: "none",
      });
    }
    return [];
  }
  const sources = text.split(",").map((part) => {
    const expression = part.trim();
    const m = SOURCE.exec(expression);
    if (!m) {
      throw invalidTemplate(logicalId, "IdentitySource", {
        expected: "method.request.header.X, method.request.querystring.X, stageVariables.X or context.X",
        actual: expression,
      });
    }
    const kind = (m[1] ?? m[3] ?? m[5]) as IdentitySource["kind"];
    const name = (m[2] ?? m[4] ?? m[6]) as string;
    return { kind, name, expression };
  });
  const [first] = sources;
  if (type === "TOKEN" && (sources.length !== 1 || first?.kind !== "header")) {
    throw invalidTemplate(logicalId, "IdentitySource", {
      expected: "exactly one method.request.header.<Name> for a TOKEN authorizer",
      actual: text,
    });
  }
  return sources;
}
