/**
 * The events the user function receives: the JSON the template's request mapping templates build.
 *
 * `PUT /user`:      `{"operation":"putUser","principalId":"...","requestId":"...","user":{...body}}`
 * `GET /user/{id}`: `{"operation":"getUser","principalId":"...","requestId":"...","id":"..."}`
 * `DELETE /user/{id}`: `{"operation":"deleteUser","principalId":"...","requestId":"...","id":"..."}`
 *
 * Everything is checked here again, so a direct invocation (console, CLI, another service) cannot
 * write an unattributed or malformed user.
 */
import { BadRequestError } from "./user-errors.js";
import { parseUserId, parseUserInput, type UserInput } from "./user-input.js";

/** Fields every event carries. */
interface UserEventBase {
  /** The authorizer's principalId: who is calling. */
  principalId: string;
  /** API Gateway's request id, for correlating logs; absent on a direct invocation. */
  requestId?: string;
}

/** `PUT /user`: create or replace a user. */
export interface PutUserEvent extends UserEventBase {
  operation: "putUser";
  user: UserInput;
}

/** `GET /user/{id}`: read a user. */
export interface GetUserEvent extends UserEventBase {
  operation: "getUser";
  id: string;
}

/** `DELETE /user/{id}`: delete a user. */
export interface DeleteUserEvent extends UserEventBase {
  operation: "deleteUser";
  id: string;
}

/** Any event the user function handles. */
export type UserEvent = PutUserEvent | GetUserEvent | DeleteUserEvent;

/** The operations, as the mapping templates name them. */
export const USER_OPERATIONS = ["putUser", "getUser", "deleteUser"] as const;

/**
 * Validates an event and returns it typed; throws {@link BadRequestError} naming the first problem.
 */
export function parseUserEvent(event: unknown): UserEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new BadRequestError("the event must be an object", {
      expected: "an event built by the API's mapping template",
      actual: event === null ? "null" : Array.isArray(event) ? "an array" : typeof event,
    });
  }
  const { operation, principalId, requestId, user, id } = event as Record<string, unknown>;
  if (typeof principalId !== "string" || principalId === "") {
    // Only the authorizer supplies a principal; without one the write could not be attributed.
    throw new BadRequestError("principalId is missing: the function must be called through the authorizer", {
      expected: "a non-empty principalId",
      actual: principalId === "" ? "an empty string" : typeof principalId,
    });
  }
  if (requestId !== undefined && typeof requestId !== "string") {
    throw new BadRequestError("requestId must be a string", {
      expected: "a string",
      actual: typeof requestId,
    });
  }
  const base: UserEventBase = requestId === undefined ? { principalId } : { principalId, requestId };
  switch (operation) {
    case "putUser":
      return { ...base, operation, user: parseUserInput(user) };
    case "getUser":
    case "deleteUser":
      return { ...base, operation, id: parseUserId(id) };
    default:
      throw new BadRequestError("unknown operation", {
        expected: USER_OPERATIONS.join(", "),
        actual: typeof operation === "string" ? JSON.stringify(operation.slice(0, 40)) : typeof operation,
      });
  }
}
