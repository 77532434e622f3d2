/**
 * `make destroy`, the deletion a deploy does to recover a stack stuck in ROLLBACK_COMPLETE, and what
 * survives a stack: resources with `DeletionPolicy: Retain` (the tables, so tokens and users outlive
 * it; a failed first create leaves them too, and their fixed names then block the next create) and the
 * artifact bucket.
 */
import {
  type CloudFormationClient,
  DeleteStackCommand,
  GetTemplateCommand,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack, listStackResources } from "../../lib/aws/stack-state.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";
import { type CommandIo, commandIo, connect, printLines, readDeploySettings } from "./settings.js";
import { followStack, formatFailures, formatTable } from "./stack-events.js";

/**
 * `make destroy` as a function: deletes the stack the environment names (STACK_NAME, AWS_REGION;
 * CONFIRM=yes skips the question) if the operator confirms; returns how it ended, or throws when the
 * deletion fails (see {@link deleteStack}).
 *
 * @example
 * ```ts
 * await runDestroy({ env: { ...process.env, STACK_NAME: "demo", CONFIRM: "yes" } }); // "deleted"
 * ```
 */
export async function runDestroy(
  options: { env?: NodeJS.ProcessEnv } & Partial<CommandIo> = {},
): Promise<"deleted" | "absent" | "declined"> {
  const env = options.env ?? process.env;
  const io = commandIo(options, env);
  const settings = readDeploySettings(env);
  const { stackName, cfnRoleArn } = settings;
  const { clients, region, artifactBucket } = await connect(settings);
  const { cloudformation } = clients;
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined) {
    io.log(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
    return "absent";
  }
  const stackId = stack.StackId ?? stackName;
  const retained = await listRetainedResources(cloudformation, stackId);
  io.log(`Stack ${stackName} in ${region} is ${stack.StackStatus}.`);
  if (retained.length > 0) {
    printLines(io.log, [
      "Deleting it keeps these resources (DeletionPolicy Retain) and their data:",
      ...formatRetained(retained),
    ]);
  }
  if (!(await io.confirm(`Delete stack ${stackName} in ${region}?`))) {
    io.log("Not deleted.");
    return "declined";
  }
  await deleteStack(cloudformation, { stackName, stackId, roleArn: cfnRoleArn }, io);
  printLines(io.log, [
    "",
    `Deleted stack ${stackName}.`,
    ...(retained.length === 0
      ? []
      : [
          "Kept (DeletionPolicy Retain), with their data:",
          ...formatRetained(retained),
          "A new stack of the same name cannot create tables with these names while they exist. To delete them for good:",
          ...deleteTableCommands(retained),
        ]),
    `The artifact bucket s3://${artifactBucket} is not part of the stack and was kept.`,
  ]);
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
  io: Pick<CommandIo, "log" | "timing">,
): Promise<void> {
  const deleteCall = () =>
    callAws("cloudformation:DeleteStack", () =>
      cloudformation.send(new DeleteStackCommand({ StackName: stackId, RoleARN: roleArn })),
    );
  const { status, events } = await followStack(cloudformation, stackId, "delete", deleteCall, io);
  if (status !== "DELETE_COMPLETE") {
    printLines(io.log, [`Delete failed: stack ${stackName} is ${status}.`, ...formatFailures(events)]);
    throw new ApigwTokenAuthError(`could not delete stack ${stackName}`, {
      expected: "DELETE_COMPLETE",
      actual: status,
    });
  }
}

/** A resource a stack's deletion leaves in place; `physicalId` is its name in AWS. */
interface RetainedResource {
  logicalId: string;
  type: string;
  physicalId: string;
}

/**
 * What the stack's deletion (or the rollback of its first create) leaves in place: the resources its
 * deployed template (not the local one, which may have changed since) retains, that exist.
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
    ([, { DeletionPolicy }]) => DeletionPolicy === "Retain",
  );
  if (retained.length === 0) return [];
  const resources = await listStackResources(cloudformation, stackId);
  // A resource whose Condition was false, or that was never created, has nothing to retain.
  return retained.flatMap(([logicalId, { Type: type }]) => {
    const physicalId = resources.find(
      (resource) => resource.LogicalResourceId === logicalId,
    )?.PhysicalResourceId;
    return physicalId === undefined ? [] : [{ logicalId, type, physicalId }];
  });
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
export function explainRollbackComplete(stackName: string, retained: readonly RetainedResource[]): string[] {
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
