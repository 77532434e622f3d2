/**
 * The template `make deploy` deploys, rendered by `make package` from the hand-written one
 * (`cloudformation/api.yaml`, which stays the one truth and which the local run reads unchanged).
 *
 * An `AWS::ApiGateway::Deployment` is a snapshot of the API taken when CloudFormation creates it, and
 * CloudFormation creates a new one only when the resource's logical id changes. So the rendered
 * template suffixes each Deployment's logical id with a hash of the API's definition (its resources,
 * methods, integrations, authorizers, models, validators, gateway responses, and the parameters and
 * conditions they read): any API change makes a new Deployment inside the stack, the Stage moves to
 * it, and CloudFormation deletes the old one. An unchanged API keeps its Deployment. (SAM does the
 * same for AWS::Serverless::Api.)
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type CloudFormationTemplate, loadTemplate } from "../cloudformation/load-template.js";

/** Where `make package` writes the rendered template. */
export const RENDERED_TEMPLATE_PATH = "dist/api.json";

/** API Gateway resource types that are not part of a deployment's snapshot. */
const NOT_SNAPSHOTTED = new Set([
  "AWS::ApiGateway::Deployment",
  "AWS::ApiGateway::Stage",
  "AWS::ApiGateway::Account",
]);

/**
 * The hash of the API's definition: 10 hex digits of a SHA-256 over the snapshotted API Gateway
 * resources (logical ids, types, conditions, properties, dependencies) and the template's parameters
 * and conditions, in a key order that does not depend on how the YAML was written.
 */
export function apiDefinitionHash(template: CloudFormationTemplate): string {
  const api = Object.fromEntries(
    Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type.startsWith("AWS::ApiGateway::") && !NOT_SNAPSHOTTED.has(resource.Type),
    ),
  );
  const definition = { api, parameters: template.Parameters ?? {}, conditions: template.Conditions ?? {} };
  return createHash("sha256").update(stableJson(definition)).digest("hex").slice(0, 10);
}

/**
 * The template with every `AWS::ApiGateway::Deployment` renamed `<logicalId><hash>` and every
 * reference to it (`Ref`, `Fn::GetAtt`, `DependsOn`, `${...}` in `Fn::Sub`) following.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "../cloudformation/load-template.js";
 * const rendered = renderDeployTemplate(loadTemplate("cloudformation/api.yaml"));
 * Object.keys(rendered.Resources).filter((id) => id.startsWith("Deployment")); // ["Deployment3f9a1c07b2"]
 * ```
 */
export function renderDeployTemplate(template: CloudFormationTemplate): CloudFormationTemplate {
  const hash = apiDefinitionHash(template);
  const renamed = new Map(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === "AWS::ApiGateway::Deployment")
      .map(([logicalId]) => [logicalId, `${logicalId}${hash}`]),
  );
  const rename = (id: string) => renamed.get(id) ?? id;
  const resources = Object.fromEntries(
    Object.entries(template.Resources).map(([logicalId, resource]) => {
      const moved = renameReferences(resource, rename) as typeof resource;
      if (renamed.has(logicalId) && moved.Properties !== undefined) {
        moved.Properties = { ...moved.Properties, Description: `API definition ${hash} (make package)` };
      }
      return [rename(logicalId), moved];
    }),
  );
  return renameReferences({ ...template, Resources: resources }, rename) as CloudFormationTemplate;
}

/**
 * Renders `sourcePath` into `outputPath` (JSON, which CloudFormation reads as it reads YAML);
 * returns the API definition's hash.
 */
export function writeDeployTemplate(sourcePath: string, outputPath = RENDERED_TEMPLATE_PATH): string {
  const template = loadTemplate(sourcePath);
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, `${JSON.stringify(renderDeployTemplate(template), null, 1)}\n`);
  return apiDefinitionHash(template);
}

function renameReferences(value: unknown, rename: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameReferences(item, rename));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === "Ref" && typeof inner === "string") return [key, rename(inner)];
      if (key === "DependsOn")
        return [key, Array.isArray(inner) ? inner.map(rename) : rename(inner as string)];
      if (key === "Fn::GetAtt" && Array.isArray(inner))
        return [key, [rename(inner[0] as string), ...inner.slice(1)]];
      if (key === "Fn::GetAtt" && typeof inner === "string") {
        const [id = "", ...attribute] = inner.split(".");
        return [key, [rename(id), attribute.join(".")]];
      }
      if (key === "Fn::Sub") {
        const renameVariables = (text: string) =>
          text.replace(
            /\$\{([A-Za-z0-9]+)((?:\.[A-Za-z0-9.]+)?)\}/g,
            (_, id: string, rest: string) => `\${${rename(id)}${rest}}`,
          );
        if (typeof inner === "string") return [key, renameVariables(inner)];
        if (Array.isArray(inner)) {
          return [key, [renameVariables(inner[0] as string), renameReferences(inner[1], rename)]];
        }
      }
      return [key, renameReferences(inner, rename)];
    }),
  );
}

/** JSON with object keys sorted at every level, so equal structures give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(",")}}`;
}
