/**
 * Lambda entry point of the `GET /me` backend (`Handler: index.handler`, proxy integration).
 */
import { createLogger } from "../shared/logger.js";
import { createMeApi } from "./me-api.js";

/** The function API Gateway invokes for `GET /me`. */
export const handler = createMeApi({ logger: createLogger("me") });
