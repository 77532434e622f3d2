/**
 * `make destroy`: deletes the stack after a confirmation, follows the deletion event by event, and
 * says what survives: the tables (DeletionPolicy Retain, so tokens and users are kept) and the
 * artifact bucket (not part of the stack). Also the deletion a deploy does to recover a stack stuck
 * in ROLLBACK_COMPLETE.
 *
 * What survives a stack: resources with `DeletionPolicy: Retain` (the token and user tables, so
 * tokens and users outlive the stack). A failed first create (ROLLBACK_COMPLETE) leaves them behind
 * too, and because their names are fixed the next create fails with "already exists" until they are
 * deleted.
 */
import {
  type CloudFormationClient,
  DeleteStackCommand,
  GetTemplateCommand,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack, listStackResources } from "../../lib/aws/stack-state.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";
import { commandIo, connect, readDeploySettings } from "./settings.js";
import { type CommandIo, followStack, formatFailures, formatTable, newestEventId } from "./stack-events.js";

export type DestroyOutcome = "deleted" | "absent" | "declined";

/**
 * `make destroy` as a function: deletes the stack the environment names (STACK_NAME, AWS_REGION;
 * CONFIRM=yes skips the question).
 *
 * @example
 * ```ts
 * await runDestroy({ env: { ...process.env, STACK_NAME: "demo", CONFIRM: "yes" } }); // "deleted"
 * ```
 */
export async function runDestroy(options: { env?: NodeJS.ProcessEnv } & Partial<CommandIo> = {}) {
  const env = options.env ?? process.env;
  const settings = readDeploySettings(env);
  const { clients, region, artifactBucket } = await connect(settings);
  return destroyStack(
    clients.cloudformation,
    { stackName: settings.stackName, region, artifactBucket, cfnRoleArn: settings.cfnRoleArn },
    commandIo(options, env),
  );
}

/**
 * Deletes `stackName` if the operator confirms; returns how it ended; throws when the deletion
 * fails, after printing the resources that could not be deleted.
 */
export async function destroyStack(
  cloudformation: CloudFormationClient,
  target: { stackName: string; region: string; artifactBucket?: string; cfnRoleArn?: string | undefined },
  io: CommandIo,
): Promise<DestroyOutcome> {
  const { stackName, region } = target;
  const log = (lines: string[]) => {
    for (const line of lines) io.log(line);
  };
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined) {
    io.log(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
    return "absent";
  }
  const stackId = stack.StackId ?? stackName;
  const retained = await listRetainedResources(cloudformation, stackId);
  io.log(`Stack ${stackName} in ${region} is ${stack.StackStatus}.`);
  if (retained.length > 0) {
    log([
      "Deleting it keeps these resources (DeletionPolicy Retain) and their data:",
      ...formatRetained(retained),
    ]);
  }
  if (!(await io.confirm(`Delete stack ${stackName} in ${region}?`))) {
    io.log("Not deleted.");
    return "declined";
  }
  await deleteStack(cloudformation, { stackName, stackId, roleArn: target.cfnRoleArn }, io);
  log(["", `Deleted stack ${stackName}.`]);
  if (retained.length > 0) {
    log([
      "Kept (DeletionPolicy Retain), with their data:",
      ...formatRetained(retained),
      "A new stack of the same name cannot create tables with these names while they exist. To delete them for good:",
      ...deleteTableCommands(retained),
    ]);
  }
  if (target.artifactBucket !== undefined) {
    io.log(`The artifact bucket s3://${target.artifactBucket} is not part of the stack and was kept.`);
  }
  return "deleted";
}

/**
 * Deletes the stack by `stackId` (a deleted stack is only found by id), as the service role `roleArn`
 * when there is one, and prints its events until it is gone; throws, after printing the resources
 * that could not be deleted, unless it ends DELETE_COMPLETE.
 */
export async function deleteStack(
  cloudformation: CloudFormationClient,
  { stackName, stackId, roleArn }: { stackName: string; stackId: string; roleArn: string | undefined },
  io: Omit<CommandIo, "confirm">,
): Promise<void> {
  const marker = await newestEventId(cloudformation, stackId);
  await callAws("cloudformation:DeleteStack", () =>
    cloudformation.send(
      new DeleteStackCommand({ StackName: stackId, ...(roleArn === undefined ? {} : { RoleARN: roleArn }) }),
    ),
  );
  const { status, events } = await followStack(cloudformation, stackId, "delete", marker, io.log, io.timing);
  if (status !== "DELETE_COMPLETE") {
    for (const line of [`Delete failed: stack ${stackName} is ${status}.`, ...formatFailures(events)])
      io.log(line);
    throw new ApigwTokenAuthError(`could not delete stack ${stackName}`, {
      expected: "DELETE_COMPLETE",
      actual: status,
    });
  }
}

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
  const physicalIds = new Map(
    (await listStackResources(cloudformation, stackId)).map((r) => [
      r.LogicalResourceId,
      r.PhysicalResourceId,
    ]),
  );
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
