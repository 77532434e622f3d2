/**
 * Lambda entry point of the agents' backend (`Handler: index.handler`, proxy integration).
 */
import { createLogger } from "../shared/logger.js";
import { createAgentApi } from "./agent-api.js";

/** The function API Gateway invokes for `GET /agent/tasks` and `GET /agent/metadata`. */
export const handler = createAgentApi({ logger: createLogger("agent") });
