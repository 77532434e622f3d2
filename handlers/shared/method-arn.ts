import { ApigwTokenAuthError } from "./errors.js";
/**
 * Method ARNs: `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<VERB>/<path>`.
 *
 * API Gateway passes one to the authorizer for the request being authorized (the real verb, the real
 * path with path-parameter values filled in), and evaluates the returned policy against it.
 */

/** The parts of a method ARN. `resourcePath` has no leading slash (`user/42`; `""` for the root). */
export interface MethodArnParts {
  partition: string;
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  verb: string;
  resourcePath: string;
}

const METHOD_ARN = /^arn:([^:]+):execute-api:([^:]+):([^:]+):([^/]+)\/([^/]+)\/([^/]+)\/(.*)$/;

/**
 * Splits a method ARN into its parts; throws an ApigwTokenAuthError for anything else.
 *
 * @example
 * ```ts
 * parseMethodArn("arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/user/42");
 * // { partition: "aws", region: "eu-west-1", accountId: "123456789012", apiId: "abc123",
 * //   stage: "v1", verb: "GET", resourcePath: "user/42" }
 * ```
 */
export function parseMethodArn(methodArn: unknown): MethodArnParts {
  const match = typeof methodArn === "string" ? METHOD_ARN.exec(methodArn) : null;
  if (!match) {
    throw new ApigwTokenAuthError("not a method ARN", {
      expected: "arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<VERB>/<path>",
      actual: typeof methodArn === "string" ? methodArn.slice(0, 200) : typeof methodArn,
    });
  }
  const [, partition, region, accountId, apiId, stage, verb, resourcePath] = match as unknown as string[];
  return {
    partition: partition as string,
    region: region as string,
    accountId: accountId as string,
    apiId: apiId as string,
    stage: stage as string,
    verb: verb as string,
    resourcePath: resourcePath as string,
  };
}

/**
 * Joins parts into a method ARN, the inverse of {@link parseMethodArn}. Parts may hold IAM wildcards
 * (`*`), which is how policies name many methods at once.
 */
export function formatMethodArn(parts: MethodArnParts): string {
  const { partition, region, accountId, apiId, stage, verb, resourcePath } = parts;
  return `arn:${partition}:execute-api:${region}:${accountId}:${apiId}/${stage}/${verb}/${resourcePath}`;
}
