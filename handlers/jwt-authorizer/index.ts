/**
 * Lambda entry point of the JWT TOKEN authorizer (`Handler: index.handler`).
 *
 * Configuration is read and the verifier created once per container, outside the handler, so the
 * downloaded JWKS stays cached across warm invocations (a bad configuration fails the cold start:
 * 500 for every call, never Allow).
 */
import { parseApiRoutes } from "../shared/api-routes.js";
import { createLogger } from "../shared/logger.js";
import { createJwtAuthorizer } from "./jwt-authorizer.js";
import { readJwtConfig } from "./jwt-config.js";
import { createJwtVerifier } from "./jwt-verifier.js";

const config = readJwtConfig();

/** The function API Gateway invokes. */
export const handler = createJwtAuthorizer({
  verify: createJwtVerifier(config.issuer),
  rules: config.rules,
  logger: createLogger("jwt-authorizer"),
  // Built in from the template by the bundler (undefined when run unbundled).
  routes: parseApiRoutes(process.env.API_ROUTES),
});
