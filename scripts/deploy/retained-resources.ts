/**
 * What survives a stack: resources with `DeletionPolicy: Retain` (the token and user tables, so
 * tokens and users outlive the stack). `make destroy` names them before and after deleting; a
 * failed first create (ROLLBACK_COMPLETE) leaves them behind too, and because their names are fixed
 * the next create fails with "already exists" until they are deleted.
 */
import {
  type CloudFormationClient,
  GetTemplateCommand,
  paginateListStackResources,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { callAws } from "../../lib/aws/aws-errors.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";
import { formatTable } from "./format-table.js";

/** A resource the stack's deletion (or rollback) leaves in place. */
export interface RetainedResource {
  logicalId: string;
  type: string;
  /** Its name or id in AWS (for a table, the table name). */
  physicalId: string;
}

/**
 * The stack's retained resources, read from the template it was deployed with (not the local one,
 * which may have changed since) and its resource list.
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
  const physicalIds = new Map<string | undefined, string | undefined>();
  await callAws("cloudformation:ListStackResources", async () => {
    for await (const page of paginateListStackResources({ client: cloudformation }, { StackName: stackId })) {
      for (const summary of page.StackResourceSummaries ?? []) {
        physicalIds.set(summary.LogicalResourceId, summary.PhysicalResourceId);
      }
    }
  });
  // A resource whose Condition was false, or that was never created, has nothing to retain.
  return retained.flatMap(([logicalId, { Type: type }]) => {
    const physicalId = physicalIds.get(logicalId);
    return physicalId === undefined ? [] : [{ logicalId, type, physicalId }];
  });
}

/** What a rollback or deletion left in place, from its events (DELETE_SKIPPED). */
export function retainedByEvents(events: readonly StackEvent[]): RetainedResource[] {
  return events.flatMap((event) =>
    event.ResourceStatus === "DELETE_SKIPPED" && event.PhysicalResourceId
      ? [
          {
            logicalId: event.LogicalResourceId ?? "?",
            type: event.ResourceType ?? "?",
            physicalId: event.PhysicalResourceId,
          },
        ]
      : [],
  );
}

/** The retained resources as an indented table. */
export function formatRetained(resources: readonly RetainedResource[]): string[] {
  return formatTable(
    ["Logical ID", "Type", "Physical ID"],
    resources.map((resource) => [resource.logicalId, resource.type, resource.physicalId]),
  ).map((line) => `  ${line}`);
}

/**
 * The shell commands that delete the retained tables for good. The template turns deletion
 * protection on, so it is turned off first; the deployer policy grants neither, on purpose: an
 * operator does it.
 */
export function deleteTableCommands(resources: readonly RetainedResource[]): string[] {
  return resources
    .filter((resource) => resource.type === "AWS::DynamoDB::Table")
    .map(
      ({ physicalId: name }) =>
        `  aws dynamodb update-table --table-name ${name} --no-deletion-protection-enabled && ` +
        `aws dynamodb delete-table --table-name ${name}`,
    );
}

/**
 * Explains a stack in ROLLBACK_COMPLETE (its first create failed and was rolled back: it holds no
 * working resources and cannot be updated) and the way out, naming what the rollback retained.
 */
export function explainRollbackComplete(stackName: string, events: readonly StackEvent[]): string[] {
  const retained = retainedByEvents(events);
  return [
    `Stack ${stackName} is in ROLLBACK_COMPLETE: its first create failed and was rolled back.`,
    "A stack in this state holds no working resources and cannot be updated. To recover:",
    "  1. fix the cause (the failed resources and reasons above, or in the CloudFormation console),",
    `  2. delete the stack: make destroy STACK_NAME=${stackName} CONFIRM=yes`,
    "     (or run make deploy in a terminal and accept its offer to delete it),",
    "  3. run make deploy again.",
    ...(retained.length === 0
      ? []
      : [
          "The rollback kept these resources (DeletionPolicy Retain); their names are fixed, so a new create",
          "fails with 'already exists' while they exist. If they hold nothing you need, delete them first:",
          ...formatRetained(retained),
          ...deleteTableCommands(retained),
        ]),
  ];
}
