/**
 * The naive TOKEN authorizer, for the benchmark's "authorizer economy" comparison only (never
 * deployed): the same token lookup as handlers/authorizer, but the policy allows just
 * `event.methodArn`, as many tutorials write it.
 *
 * API Gateway caches that policy per token and re-evaluates it for the token's next request on
 * another method, which it then refuses with 403 without calling the authorizer again: the bug the
 * real authorizer avoids by allowing every method its scopes grant.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  type AuthorizerResult,
  createTokenAuthorizer,
  type TokenAuthorizerEvent,
} from "../../handlers/authorizer/token-authorizer.js";
import { requireEnv } from "../../handlers/shared/environment.js";
import { createLogger } from "../../handlers/shared/logger.js";
import { INVOKE_ACTION } from "../../handlers/shared/policy.js";

const authorize = createTokenAuthorizer({
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: requireEnv("TOKEN_TABLE_NAME"),
  logger: createLogger("naive-authorizer"),
});

/**
 * The Lambda entry point: authorizes like the real one, then narrows the policy to the one method.
 */
export async function handler(event: TokenAuthorizerEvent): Promise<AuthorizerResult> {
  const result = await authorize(event);
  return {
    ...result,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: INVOKE_ACTION, Resource: event.methodArn }],
    },
  };
}
