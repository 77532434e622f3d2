/**
 * "Deploying" a template locally: parameters, conditions, intrinsics and physical ids resolved into
 * a {@link ResolvedStack}, in dependency order, the way CloudFormation creates a stack.
 */

import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { CloudFormationTemplate, TemplateResource } from "../../lib/cloudformation/load-template.js";
import { evaluateConditions } from "./conditions.js";
import { type IntrinsicContext, NO_VALUE, referencedNames, resolveValue } from "./intrinsics.js";
import { formatParameterValue, resolveParameters } from "./parameters.js";
import { nameResource } from "./physical-ids.js";
import type { ResolvedResource, ResolvedStack } from "./resolved-stack.js";

/** Where the stack is "deployed", and with which parameter values. */
export interface ResolveStackOptions {
  /** Default `local`. */
  stackName?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Default `000000000000`, the account id local AWS emulators conventionally use. */
  accountId?: string;
  parameterOverrides?: Record<string, string>;
}

/**
 * Resolves a template into the stack CloudFormation would create from it. Throws
 * an ApigwTokenAuthError naming the resource and property for anything it cannot resolve.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "../../lib/cloudformation/load-template.js";
 *
 * const stack = resolveStack(loadTemplate("cloudformation/api.yaml"), {
 *   parameterOverrides: { AuthorizerTtlSeconds: "1" },
 * });
 * stack.resources.TokenTable?.physicalId; // "local-auth-token"
 * ```
 */
export function resolveStack(
  template: CloudFormationTemplate,
  options: ResolveStackOptions = {},
): ResolvedStack {
  const { stackName = "local", region = "us-east-1", accountId = "000000000000" } = options;
  const transform = (template as { Transform?: unknown }).Transform;
  if (transform !== undefined && transform !== "AWS::LanguageExtensions") {
    throw new ApigwTokenAuthError(`Transform: ${JSON.stringify(transform)} cannot be run locally`, {
      expected: "a plain CloudFormation template (macros such as AWS::Serverless run in AWS)",
      actual: JSON.stringify(transform),
    });
  }
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  const urlSuffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const pseudoParameters = {
    "AWS::StackName": stackName,
    "AWS::Region": region,
    "AWS::AccountId": accountId,
    "AWS::Partition": partition,
    "AWS::URLSuffix": urlSuffix,
    "AWS::StackId": `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/local`,
    "AWS::NotificationARNs": [],
  };
  const parameters = resolveParameters(template, options.parameterOverrides);
  const mappings = template.Mappings ?? {};
  const conditions = evaluateConditions(template.Conditions ?? {}, {
    pseudoParameters,
    parameters,
    mappings,
  });

  const declared = template.Resources;
  const resources: Record<string, ResolvedResource> = {};
  const context: IntrinsicContext = {
    pseudoParameters,
    parameters,
    mappings,
    condition: (name, path) => {
      const value = conditions[name];
      if (value === undefined) {
        throw new ApigwTokenAuthError(`${path}: unknown condition ${name}`, {
          expected: `one of ${Object.keys(conditions).join(", ") || "(no conditions)"}`,
          actual: name,
        });
      }
      return value;
    },
    resource: (logicalId, path) => {
      const resource = resources[logicalId];
      if (resource) return resource;
      const condition = declared[logicalId]?.Condition;
      const why = !declared[logicalId]
        ? "no parameter, pseudo parameter or resource has that name"
        : condition === undefined
          ? "a resource cannot refer to itself"
          : `its Condition ${condition} is false`;
      throw new ApigwTokenAuthError(`${path}: cannot refer to ${logicalId}: ${why}`, {
        expected: "a parameter, a pseudo parameter or a resource that exists",
        actual: logicalId,
      });
    },
  };

  for (const logicalId of creationOrder(declared)) {
    const resource = declared[logicalId] as TemplateResource;
    if (
      resource.Condition !== undefined &&
      !context.condition(resource.Condition, `Resources.${logicalId}.Condition`)
    ) {
      continue;
    }
    const path = `Resources.${logicalId}`;
    const properties = resolveObject(resource.Properties, context, `${path}.Properties`);
    const metadata = resolveObject(resource.Metadata, context, `${path}.Metadata`);
    const identity = nameResource(resource.Type, {
      stackName,
      logicalId,
      region,
      accountId,
      partition,
      urlSuffix,
      properties,
    });
    resources[logicalId] = { type: resource.Type, properties, metadata, ...identity };
  }

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !context.condition(output.Condition, `Outputs.${name}.Condition`))
      continue;
    const value = resolveValue(output.Value, context, `Outputs.${name}.Value`);
    outputs[name] = Array.isArray(value) ? value.join(",") : String(value);
  }

  return {
    stackName,
    region,
    accountId,
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, formatParameterValue(v)])),
    // Template order, not creation order, so listings read like the template.
    resources: Object.fromEntries(
      Object.keys(declared).flatMap((logicalId) => {
        const resource = resources[logicalId];
        return resource ? [[logicalId, resource]] : [];
      }),
    ),
    outputs,
  };
}

function resolveObject(value: unknown, context: IntrinsicContext, path: string): Record<string, unknown> {
  if (value === undefined) return {};
  const resolved = resolveValue(value, context, path);
  if (resolved === NO_VALUE || resolved === null || typeof resolved !== "object" || Array.isArray(resolved)) {
    throw new ApigwTokenAuthError(`${path}: expected a mapping`, {
      expected: "a mapping",
      actual: typeof resolved,
    });
  }
  return resolved as Record<string, unknown>;
}

/**
 * Logical ids ordered so that every resource comes after those it refers to (Ref, GetAtt, Sub,
 * DependsOn), template order otherwise; a cycle is an error, as in CloudFormation.
 */
function creationOrder(resources: Record<string, TemplateResource>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (logicalId: string, trail: string[]) => {
    if (state.get(logicalId) === "done") return;
    if (state.get(logicalId) === "visiting") {
      throw new ApigwTokenAuthError(`Resources.${logicalId}: circular dependency`, {
        expected: "resources that do not depend on themselves",
        actual: [...trail, logicalId].join(" → "),
      });
    }
    state.set(logicalId, "visiting");
    const resource = resources[logicalId] as TemplateResource;
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    const names = referencedNames([resource.Properties, resource.Metadata]);
    for (const name of [...dependsOn, ...names]) {
      if (name in resources && name !== logicalId) visit(name, [...trail, logicalId]);
    }
    state.set(logicalId, "done");
    order.push(logicalId);
  };
  for (const logicalId of Object.keys(resources)) visit(logicalId, []);
  return order;
}
