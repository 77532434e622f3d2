/**
 * The user function: `PUT /user`, `GET /user/{id}` and `DELETE /user/{id}` behind the token authorizer.
 *
 * Outcomes, as the template's integration responses turn them into HTTP:
 * - put → nothing (204); get → the stored user (200); delete → nothing (204);
 * - bad input → `BadRequestError` ("BadRequest: <reason>", 400);
 * - unknown user (get, delete) → `UserNotFoundError` ("NotFound: user <id> does not exist", 404);
 * - anything else (table unavailable, corrupt item) → its own message (500).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Logger } from "../shared/logger.js";
import { BadRequestError, UserNotFoundError } from "./user-errors.js";
import { parseUserEvent, type UserEvent } from "./user-event.js";
import { createUserStore, type StoredUser } from "./user-store.js";

/** What the handler needs from its environment. */
export interface UserHandlerOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
}

/**
 * Creates the user function bound to a table and client.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 * import { createLogger } from "../shared/logger.js";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const handle = createUserHandler({ documentClient, tableName: "my-stack-users", logger: createLogger("user") });
 * await handle({ operation: "putUser", principalId: "alice", requestId: "r1", user: { id: "bob", name: "Bob" } });
 * await handle({ operation: "getUser", principalId: "alice", requestId: "r2", id: "bob" }); // the stored user
 * await handle({ operation: "deleteUser", principalId: "alice", requestId: "r3", id: "bob" }); // undefined
 * ```
 */
export function createUserHandler(options: UserHandlerOptions) {
  const { logger } = options;
  const store = createUserStore(options);

  return async function handle(rawEvent: unknown): Promise<StoredUser | undefined> {
    let event: UserEvent | undefined;
    try {
      event = parseUserEvent(rawEvent);
      if (event.operation === "putUser") {
        const stored = await store.putUser(event.user, event.principalId);
        logger.info(stored.createdAt === stored.updatedAt ? "user created" : "user updated", fieldsOf(event));
        return undefined;
      }
      if (event.operation === "deleteUser") {
        if (!(await store.deleteUser(event.id))) throw new UserNotFoundError(event.id);
        logger.info("user deleted", fieldsOf(event));
        return undefined;
      }
      const user = await store.getUser(event.id);
      if (user === undefined) throw new UserNotFoundError(event.id);
      logger.info("user read", fieldsOf(event));
      return user;
    } catch (error) {
      if (error instanceof BadRequestError || error instanceof UserNotFoundError) {
        logger.info("refused", { ...fieldsOf(event), error });
      } else {
        logger.error("failed", { ...fieldsOf(event), error, cause: (error as Error).cause });
      }
      throw error;
    }
  };
}

function fieldsOf(event: UserEvent | undefined): Record<string, unknown> {
  if (event === undefined) return {};
  const id = event.operation === "putUser" ? event.user.id : event.id;
  return { operation: event.operation, principalId: event.principalId, requestId: event.requestId, id };
}
