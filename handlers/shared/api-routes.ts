/**
 * The API's routes as the build puts them into a function's bundle: esbuild replaces
 * `process.env.API_ROUTES` with the template's routes (lib/cloudformation/api-routes.ts), so the
 * deployed and the local authorizer know the same routes the template declares. Unbundled (tests),
 * it is whatever the environment says.
 */
import { ApigwTokenAuthError } from "./errors.js";
import type { ApiRoute } from "./policy.js";

/**
 * Parses the built-in route list (`["GET /user/{id}", ...]`); `undefined` when there is none.
 * Throws an ApigwTokenAuthError for a list that is not one (a broken build: fail at start-up).
 *
 * @example
 * ```ts
 * parseApiRoutes('["GET /user/{id}"]'); // [{ verb: "GET", path: "user/{id}" }]
 * ```
 */
export function parseApiRoutes(text: string | undefined): ApiRoute[] | undefined {
  if (text === undefined || text === "") return undefined;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = undefined;
  }
  if (
    !Array.isArray(list) ||
    !list.every((item) => typeof item === "string" && /^[A-Z]+ \/\S*$/.test(item))
  ) {
    throw new ApigwTokenAuthError("API_ROUTES is not a list of routes", {
      expected: 'a JSON list such as ["GET /user/{id}"]',
      actual: text.slice(0, 100),
    });
  }
  return (list as string[]).map((item) => {
    const space = item.indexOf(" ");
    return { verb: item.slice(0, space), path: item.slice(space + 2) };
  });
}
