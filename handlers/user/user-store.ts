/**
 * The users table: one item per user, keyed by `id`.
 *
 * | attribute   | type        | meaning                                           |
 * | ----------- | ----------- | ------------------------------------------------- |
 * | `id`        | S, key      | the user id (see user-input.ts)                   |
 * | `name`      | S           | the user's name                                   |
 * | `createdAt` | S           | ISO-8601 time of the first PUT                    |
 * | `createdBy` | S           | principalId of the first PUT                      |
 * | `updatedAt` | S           | ISO-8601 time of the latest PUT                   |
 * | `updatedBy` | S           | principalId of the latest PUT                     |
 *
 * A PUT is one UpdateItem (`if_not_exists` keeps the creation fields) and a DELETE one conditional
 * DeleteItem (`attribute_exists` tells "deleted" from "was not there"), so there is no
 * read-then-write race and the function's role needs only dynamodb:UpdateItem, dynamodb:GetItem and
 * dynamodb:DeleteItem.
 */

import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../shared/errors.js";
import type { UserInput } from "./user-input.js";

/** The users table's partition key attribute. */
export const USER_KEY_ATTRIBUTE = "id";

/** A user as stored and as `GET /user/{id}` returns it. */
export interface StoredUser {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** What the store needs. */
export interface UserStoreOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  /** The current time in milliseconds; replaceable for tests. */
  now?: () => number;
}

/** Reads and writes users. */
export interface UserStore {
  /** Creates or updates a user on behalf of `principalId`; returns the item as stored. */
  putUser(user: UserInput, principalId: string): Promise<StoredUser>;
  /** The user with this id, or undefined. */
  getUser(id: string): Promise<StoredUser | undefined>;
  /** Deletes the user with this id; false when there was none. */
  deleteUser(id: string): Promise<boolean>;
}

const FIELDS = ["id", "name", "createdAt", "createdBy", "updatedAt", "updatedBy"] as const;

/**
 * Creates a store bound to a table and client. A DynamoDB failure or an item of the wrong shape
 * becomes an ApigwTokenAuthError whose message selects neither 400 nor 404 (the gateway answers 500).
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const store = createUserStore({ documentClient, tableName: "my-stack-users" });
 * await store.putUser({ id: "bob", name: "Bob" }, "alice");
 * await store.getUser("bob"); // { id: "bob", name: "Bob", createdBy: "alice", ... }
 * await store.deleteUser("bob"); // true; a second call: false
 * ```
 */
export function createUserStore(options: UserStoreOptions): UserStore {
  const { documentClient, tableName, now = Date.now } = options;
  return {
    async putUser(user, principalId) {
      const at = new Date(now()).toISOString();
      const response = await send("write", () =>
        documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [USER_KEY_ATTRIBUTE]: user.id },
            // `name` is a DynamoDB reserved word, hence the attribute name placeholders.
            UpdateExpression:
              "SET #name = :name, #updatedAt = :at, #updatedBy = :principal, " +
              "#createdAt = if_not_exists(#createdAt, :at), #createdBy = if_not_exists(#createdBy, :principal)",
            ExpressionAttributeNames: {
              "#name": "name",
              "#createdAt": "createdAt",
              "#createdBy": "createdBy",
              "#updatedAt": "updatedAt",
              "#updatedBy": "updatedBy",
            },
            ExpressionAttributeValues: { ":name": user.name, ":at": at, ":principal": principalId },
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return parseStoredUser(response.Attributes);
    },
    async getUser(id) {
      const response = await send("read", () =>
        documentClient.send(
          new GetCommand({ TableName: tableName, Key: { [USER_KEY_ATTRIBUTE]: id }, ConsistentRead: true }),
        ),
      );
      return response.Item === undefined ? undefined : parseStoredUser(response.Item);
    },
    async deleteUser(id) {
      try {
        await documentClient.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [USER_KEY_ATTRIBUTE]: id },
            // Without the condition DynamoDB deletes nothing silently; with it, a missing user fails
            // the check and the caller gets 404 from one request.
            ConditionExpression: "attribute_exists(#id)",
            ExpressionAttributeNames: { "#id": USER_KEY_ATTRIBUTE },
          }),
        );
        return true;
      } catch (cause) {
        // By name, not instanceof: the name is the service's error code whichever SDK copy decoded it.
        if (cause instanceof Error && cause.name === "ConditionalCheckFailedException") return false;
        throw storeError("delete from", cause);
      }
    },
  };
}

/**
 * Checks an item from the users table and returns it typed, with only the documented attributes.
 */
export function parseStoredUser(item: Record<string, unknown> | undefined): StoredUser {
  if (item === undefined) {
    throw new ApigwTokenAuthError("the users table returned no item", {
      expected: "an item",
      actual: "none",
    });
  }
  for (const field of FIELDS) {
    if (typeof item[field] !== "string") {
      throw new ApigwTokenAuthError(`user record attribute "${field}" is invalid`, {
        expected: "a string",
        actual: item[field] === undefined ? "missing" : typeof item[field],
      });
    }
  }
  return Object.fromEntries(FIELDS.map((field) => [field, item[field]])) as unknown as StoredUser;
}

async function send<T>(what: "read" | "write", call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw storeError(what, cause);
  }
}

function storeError(what: string, cause: unknown): ApigwTokenAuthError {
  return new ApigwTokenAuthError(`cannot ${what} the users table`, {
    actual: cause instanceof Error ? cause.name : typeof cause,
    cause,
  });
}
