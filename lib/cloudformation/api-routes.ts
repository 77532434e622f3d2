/**
 * The REST API's routes as the template declares them (`AWS::ApiGateway::Resource` paths and
 * `AWS::ApiGateway::Method` verbs): built into the authorizers' bundles, so that a `{name}` scope
 * is held to one path segment against the API's real routes (handlers/shared/policy.ts).
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { ApiRoute } from "../../handlers/shared/policy.js";
import type { CloudFormationTemplate, TemplateResource } from "./load-template.js";

/**
 * Every method of every REST API in the template as `{ verb, path }` (path without its leading
 * slash, `{name}` parameters as written), sorted. Throws an ApigwTokenAuthError for a resource or
 * method whose parent cannot be followed to an API's root.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "./load-template.js";
 *
 * apiRoutes(loadTemplate("cloudformation/api.yaml"));
 * // [{ verb: "DELETE", path: "user/{id}" }, { verb: "GET", path: "agent/metadata" }, ...]
 * ```
 */
export function apiRoutes(template: CloudFormationTemplate): ApiRoute[] {
  const resources = template.Resources;
  const pathOf = (logicalId: string, seen: string[] = []): string => {
    const resource = resources[logicalId];
    if (resource?.Type !== "AWS::ApiGateway::Resource" || seen.includes(logicalId)) {
      throw new ApigwTokenAuthError(`cannot follow ${logicalId} to the API's root`, {
        expected: "an AWS::ApiGateway::Resource chain ending at Fn::GetAtt <Api>.RootResourceId",
        actual: resource ? resource.Type : "no such resource",
      });
    }
    const parent = parentPath(resource.Properties?.ParentId, (id) => pathOf(id, [...seen, logicalId]));
    const part = String(resource.Properties?.PathPart ?? "");
    return parent === "" ? part : `${parent}/${part}`;
  };
  return Object.values(resources)
    .filter((resource): resource is TemplateResource => resource.Type === "AWS::ApiGateway::Method")
    .map((method) => ({
      verb: String(method.Properties?.HttpMethod ?? "").toUpperCase(),
      path: parentPath(method.Properties?.ResourceId, (id) => pathOf(id)),
    }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.verb.localeCompare(b.verb));
}

/** `""` for an API's root (`Fn::GetAtt Api.RootResourceId`), else the path of the `Ref`'d resource. */
function parentPath(reference: unknown, pathOf: (logicalId: string) => string): string {
  const ref = reference as { Ref?: unknown; "Fn::GetAtt"?: unknown } | undefined;
  const getAtt = ref?.["Fn::GetAtt"];
  if (Array.isArray(getAtt) && getAtt[1] === "RootResourceId") return "";
  if (typeof getAtt === "string" && getAtt.endsWith(".RootResourceId")) return "";
  if (typeof ref?.Ref === "string") return pathOf(ref.Ref);
  throw new ApigwTokenAuthError("a route's parent is neither an API's root nor a Ref to a resource", {
    expected: "Fn::GetAtt <Api>.RootResourceId or Ref <Resource>",
    actual: JSON.stringify(reference)?.slice(0, 100) ?? "missing",
  });
}

/** The routes as the one-line text built into bundles (`process.env.API_ROUTES`; handlers/shared/api-routes.ts reads it). */
export function formatApiRoutes(routes: readonly ApiRoute[]): string {
  return JSON.stringify(routes.map((route) => `${route.verb} /${route.path}`));
}
