/**
 * The agents' backend behind `GET /agent/tasks` and `GET /agent/metadata` (Lambda proxy
 * integration): it answers with JSON that shows who the REQUEST authorizer let in.
 *
 * The principal comes from `requestContext.authorizer`, where API Gateway puts the authorizer's
 * principalId and context (values as strings). Without it the function has been wired up without
 * the authorizer, which is a deployment error: answer 500 rather than serve an anonymous caller.
 */
import type { Logger } from "../shared/logger.js";
import { jsonResponse as json, type ProxyResult } from "../shared/proxy-response.js";

/** The parts of API Gateway's proxy event this backend reads. */
export interface AgentProxyEvent {
  resource: string;
  httpMethod: string;
  requestContext?: {
    requestId?: string;
    stage?: string;
    authorizer?: Record<string, unknown> | null;
  };
}

/** Keys of `requestContext.authorizer` that are the gateway's, not the authorizer's context. */
const GATEWAY_AUTHORIZER_KEYS = new Set(["principalId", "integrationLatency", "claims", "scopes"]);

/**
 * Creates the proxy handler.
 */
export function createAgentApi(options: { logger: Logger }) {
  const { logger } = options;

  return async function handle(event: AgentProxyEvent): Promise<ProxyResult> {
    const authorizer = event.requestContext?.authorizer ?? {};
    const agentId = authorizer.principalId;
    const route = `${event.httpMethod} ${event.resource}`;
    if (typeof agentId !== "string" || agentId === "") {
      logger.error("no principal from the authorizer", { route });
      return json(500, { message: "Internal server error" });
    }
    switch (route) {
      case "GET /agent/tasks":
        // Task assignment is outside this project; the list shows the shape an agent polls.
        return json(200, { agentId, tasks: [] });
      case "GET /agent/metadata":
        return json(200, {
          agentId,
          requestId: event.requestContext?.requestId ?? null,
          stage: event.requestContext?.stage ?? null,
          context: Object.fromEntries(
            Object.entries(authorizer).filter(([key]) => !GATEWAY_AUTHORIZER_KEYS.has(key)),
          ),
        });
      default:
        logger.warn("no such route", { route });
        return json(404, { message: `no route for ${route}` });
    }
  };
}
