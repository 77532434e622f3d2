/**
 * The stage part of the API model: which stage is served and its stage variables.
 */
import { cannotEmulate } from "./errors.js";
import { allowOnly, requireString, stringMap } from "./property-checks.js";
import type { ResolvedResource } from "./types.js";

/**
 * The served stage: the API's one `AWS::ApiGateway::Stage` (name, variables), else a Deployment's
 * StageName. Refuses several stages and settings that change responses (method caching).
 */
export function buildStage(
  apiLogicalId: string,
  stages: [string, ResolvedResource][],
  deployments: [string, ResolvedResource][],
): { name: string; variables: Record<string, string> } {
  for (const [logicalId, d] of deployments) {
    allowOnly(logicalId, "", d.properties, ["RestApiId", "StageName", "Description"]);
  }
  if (stages.length > 1) {
    throw cannotEmulate(apiLogicalId, "stages", {
      expected: "one AWS::ApiGateway::Stage per API",
      actual: stages.map(([id]) => id).join(", "),
    });
  }
  const [stage] = stages;
  if (stage) {
    const [logicalId, s] = stage;
    allowOnly(logicalId, "", s.properties, [
      "RestApiId",
      "StageName",
      "DeploymentId",
      "Description",
      "Variables",
      "MethodSettings",
      "TracingEnabled",
      "AccessLogSetting",
      "Tags",
    ]);
    checkMethodSettings(logicalId, s.properties.MethodSettings);
    return {
      name: requireString(logicalId, "StageName", s.properties.StageName),
      variables: stringMap(logicalId, "Variables", s.properties.Variables),
    };
  }
  const named = deployments.find(([, d]) => typeof d.properties.StageName === "string");
  if (!named) {
    throw cannotEmulate(apiLogicalId, "stage", {
      expected: "an AWS::ApiGateway::Stage or a Deployment with StageName",
      actual: "none",
    });
  }
  return { name: named[1].properties.StageName as string, variables: {} };
}

/**
 * Logging and metrics settings cannot change a response; response caching would, so it is refused.
 * Throttling is accepted but not enforced (a local run serves one developer; see the README).
 */
function checkMethodSettings(logicalId: string, settings: unknown): void {
  if (settings === undefined) return;
  const list = Array.isArray(settings) ? settings : [settings];
  list.forEach((setting, index) => {
    allowOnly(logicalId, `MethodSettings[${index}].`, (setting ?? {}) as Record<string, unknown>, [
      "HttpMethod",
      "ResourcePath",
      "LoggingLevel",
      "MetricsEnabled",
      "DataTraceEnabled",
      "ThrottlingBurstLimit",
      "ThrottlingRateLimit",
    ]);
  });
}
