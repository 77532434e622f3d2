/**
 * Lambda entry point of the agents' REQUEST authorizer (`Handler: index.handler`).
 *
 * The client is created once per container, outside the handler, so warm invocations reuse its
 * connections. `AWS_ENDPOINT_URL_DYNAMODB` (honoured by the SDK) points it at a local DynamoDB.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parseApiRoutes } from "../shared/api-routes.js";
import { requireEnv } from "../shared/environment.js";
import { createLogger } from "../shared/logger.js";
import { createAgentAuthorizer } from "./agent-authorizer.js";

/** The function API Gateway invokes. */
export const handler = createAgentAuthorizer({
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: requireEnv("TOKEN_TABLE_NAME"),
  // Built in from the template by the bundler (undefined when run unbundled).
  routes: parseApiRoutes(process.env.API_ROUTES),
  logger: createLogger("agent-authorizer"),
});
