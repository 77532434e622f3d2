/**
 * What survives `make destroy`: the deployed template's resources with `DeletionPolicy: Retain`
 * (the token and user tables, so tokens and users outlive the stack), with their physical names.
 */
import {
  type CloudFormationClient,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import { callAws } from "../../lib/aws/aws-errors.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";

/** A resource the stack's deletion leaves in place. */
export interface RetainedResource {
  logicalId: string;
  type: string;
  /** Its name or id in AWS (for a table, the table name). */
  physicalId: string;
}

/**
 * The stack's retained resources, read from the template it was deployed with (not the local one,
 * which may have changed since) and its resource list.
 *
 * @example
 * ```ts
 * await listRetainedResources(cloudformation, stackId);
 * // [{ logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" }, ...]
 * ```
 */
export async function listRetainedResources(
  cloudformation: CloudFormationClient,
  stackId: string,
): Promise<RetainedResource[]> {
  const { TemplateBody } = await callAws("cloudformation:GetTemplate", () =>
    cloudformation.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: "Original" })),
  );
  const template = parseTemplate(TemplateBody ?? "Resources: {}", `template of ${stackId}`);
  const retained = Object.entries(template.Resources).filter(
    ([, resource]) => resource.DeletionPolicy === "Retain",
  );
  if (retained.length === 0) return [];
  const physical = new Map(
    (await allResources(cloudformation, stackId)).map((resource) => [resource.LogicalResourceId, resource]),
  );
  return retained.flatMap(([logicalId, resource]) => {
    const summary = physical.get(logicalId);
    // A resource whose Condition was false, or that was never created, has nothing to retain.
    if (summary?.PhysicalResourceId === undefined) return [];
    return [{ logicalId, type: resource.Type, physicalId: summary.PhysicalResourceId }];
  });
}

async function allResources(
  cloudformation: CloudFormationClient,
  stackId: string,
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await callAws("cloudformation:ListStackResources", () =>
      cloudformation.send(
        new ListStackResourcesCommand({
          StackName: stackId,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      ),
    );
    resources.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return resources;
}

/**
 * Lines naming the retained resources, in aligned columns.
 *
 * @example
 * ```ts
 * formatRetained([{ logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" }]);
 * // ["  TokenTable  AWS::DynamoDB::Table  demo-auth-token"]
 * ```
 */
export function formatRetained(resources: readonly RetainedResource[]): string[] {
  const idWidth = Math.max(...resources.map((resource) => resource.logicalId.length));
  const typeWidth = Math.max(...resources.map((resource) => resource.type.length));
  return resources.map(
    (resource) =>
      `  ${resource.logicalId.padEnd(idWidth)}  ${resource.type.padEnd(typeWidth)}  ${resource.physicalId}`,
  );
}
