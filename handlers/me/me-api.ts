/**
 * The backend of `GET /me` (Lambda proxy integration) behind the JWT authorizer: answers with the
 * caller's subject, username and groups as the authorizer passed them on.
 *
 * The JWT authorizer hands the claims on as strings (API Gateway allows nothing else in a context):
 * principalId is the `sub` claim, `groups` the group names separated by spaces (Cognito group names
 * cannot contain whitespace). A request without a principal means the method was deployed without
 * the authorizer: 500, never an anonymous answer.
 */
import type { Logger } from "../shared/logger.js";
import { jsonResponse, type ProxyResult } from "../shared/proxy-response.js";

/** The parts of API Gateway's proxy event this backend reads. */
export interface MeProxyEvent {
  requestContext?: { authorizer?: Record<string, unknown> | null };
}

/**
 * Creates the proxy handler.
 */
export function createMeApi(options: { logger: Logger }) {
  const { logger } = options;

  return async function handle(event: MeProxyEvent): Promise<ProxyResult> {
    const authorizer = event.requestContext?.authorizer ?? {};
    const subject = authorizer.principalId;
    if (typeof subject !== "string" || subject === "") {
      logger.error("no principal from the authorizer");
      return jsonResponse(500, { message: "Internal server error" });
    }
    const groups = typeof authorizer.groups === "string" ? authorizer.groups.split(" ").filter(Boolean) : [];
    const username = typeof authorizer.username === "string" ? authorizer.username : null;
    return jsonResponse(200, { subject, username, groups });
  };
}
