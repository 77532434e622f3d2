/**
 * The stage part of the API model: which stages are served and their stage variables.
 *
 * As on AWS, every `AWS::ApiGateway::Stage` is a stage, and so is the `StageName` of an
 * `AWS::ApiGateway::Deployment` (CloudFormation creates that stage with the deployment): a template
 * with both serves both. All stages show the template's methods (every deployment snapshots the
 * same template locally).
 */
import { cannotEmulate } from "./errors.js";
import { allowOnly, requireString, stringMap } from "./property-checks.js";
import type { ResolvedResource } from "./types.js";

/** One served stage. */
export interface StageModel {
  name: string;
  variables: Record<string, string>;
  /** The resource that creates it, e.g. `Stage (AWS::ApiGateway::Stage)` or `Deployment (StageName)`. */
  createdBy: string;
}

/** Stage settings that cannot change a response (logging, metrics, tracing, throttling: not enforced). */
const HARMLESS_SETTINGS = [
  "LoggingLevel",
  "MetricsEnabled",
  "DataTraceEnabled",
  "ThrottlingBurstLimit",
  "ThrottlingRateLimit",
];

/**
 * The served stages: each Stage resource's, then each Deployment StageName's, in template order.
 * Refuses two resources creating the same stage (AWS fails the second with "already exists"),
 * an API without any stage, and settings that change responses (method caching).
 */
export function buildStages(
  apiLogicalId: string,
  stages: [string, ResolvedResource][],
  deployments: [string, ResolvedResource][],
): StageModel[] {
  const served: StageModel[] = [];
  const add = (stage: StageModel) => {
    const clash = served.find((other) => other.name === stage.name);
    if (clash) {
      throw cannotEmulate(apiLogicalId, `stage ${stage.name}`, {
        expected: "each stage created once (AWS fails the second with: stage already exists)",
        actual: `created by ${clash.createdBy} and by ${stage.createdBy}`,
      });
    }
    served.push(stage);
  };
  for (const [logicalId, s] of stages) {
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
    checkMethodSettings(logicalId, "MethodSettings", s.properties.MethodSettings);
    add({
      name: requireString(logicalId, "StageName", s.properties.StageName),
      variables: stringMap(logicalId, "Variables", s.properties.Variables),
      createdBy: `${logicalId} (AWS::ApiGateway::Stage)`,
    });
  }
  for (const [logicalId, d] of deployments) {
    allowOnly(logicalId, "", d.properties, ["RestApiId", "StageName", "StageDescription", "Description"]);
    if (typeof d.properties.StageName !== "string") continue;
    const description = (d.properties.StageDescription ?? {}) as Record<string, unknown>;
    allowOnly(logicalId, "StageDescription.", description, [
      ...HARMLESS_SETTINGS,
      "Description",
      "Variables",
      "MethodSettings",
      "TracingEnabled",
      "AccessLogSetting",
      "Tags",
    ]);
    checkMethodSettings(logicalId, "StageDescription.MethodSettings", description.MethodSettings);
    add({
      name: d.properties.StageName,
      variables: stringMap(logicalId, "StageDescription.Variables", description.Variables),
      createdBy: `${logicalId} (AWS::ApiGateway::Deployment StageName)`,
    });
  }
  if (served.length === 0) {
    throw cannotEmulate(apiLogicalId, "stage", {
      expected: "an AWS::ApiGateway::Stage or a Deployment with StageName",
      actual: "none",
    });
  }
  return served;
}

/**
 * Logging and metrics settings cannot change a response; response caching would, so it is refused.
 * Throttling is accepted but not enforced (a local run serves one developer; see the README).
 */
function checkMethodSettings(logicalId: string, property: string, settings: unknown): void {
  if (settings === undefined) return;
  const list = Array.isArray(settings) ? settings : [settings];
  list.forEach((setting, index) => {
    allowOnly(logicalId, `${property}[${index}].`, (setting ?? {}) as Record<string, unknown>, [
      "HttpMethod",
      "ResourcePath",
      ...HARMLESS_SETTINGS,
    ]);
  });
}
