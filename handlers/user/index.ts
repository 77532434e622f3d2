/**
 * Lambda entry point of the user function (`Handler: index.handler`).
 *
 * The client is created once per container, outside the handler, so warm invocations reuse its
 * connections. `AWS_ENDPOINT_URL_DYNAMODB` (honoured by the SDK) points it at a local DynamoDB.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { requireEnv } from "../shared/environment.js";
import { createLogger } from "../shared/logger.js";
import { createUserHandler } from "./user-handler.js";

/** The function API Gateway invokes. */
export const handler = createUserHandler({
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableName: requireEnv("USER_TABLE_NAME"),
  logger: createLogger("user"),
});
