/**
 * `make destroy` (also a deploy's recovery from ROLLBACK_COMPLETE) and what outlives a stack: the
 * artifact bucket and `DeletionPolicy: Retain` resources (the tables, so tokens and users survive; a
 * failed first create leaves them too, and their fixed names then block the next create).
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
 * CONFIRM=yes skips the question) once the operator confirms; throws when the deletion fails.
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
  const stack = await findStack(clients.cloudformation, stackName);
  if (stack === undefined) {
    io.log(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
    return "absent";
  }
  const stackId = stack.StackId ?? stackName;
  const retained = await listRetainedResources(clients.cloudformation, stackId);
  printLines(io.log, [
    `Stack ${stackName} in ${region} is ${stack.StackStatus}.`,
    ...describeRetained(retained, [
      "Deleting it keeps these resources (DeletionPolicy Retain) and their data:",
    ]),
  ]);
  if (!(await io.confirm(`Delete stack ${stackName} in ${region}?`))) {
    io.log("Not deleted.");
    return "declined";
  }
  await deleteStack(clients.cloudformation, { stackName, stackId, roleArn: cfnRoleArn }, io);
  printLines(io.log, [
    "",
    `Deleted stack ${stackName}.`,
    ...describeRetained(
      retained,
      ["Kept (DeletionPolicy Retain), with their data:"],
      [
        "A new stack of the same name cannot create tables with these names while they exist. To delete them for good:",
      ],
    ),
    `The artifact bucket s3://${artifactBucket} is not part of the stack and was kept.`,
  ]);
  return "deleted";
}

/**
 * Deletes the stack by id (a deleted stack is only found by id), as the service role when given, and
 * prints its events until it is gone; throws, after printing what could not be deleted, unless it
 * ends DELETE_COMPLETE.
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
 * What deleting the stack (or rolling back its first create) leaves: the resources its deployed
 * template (not the local one, which may have changed since) retains, that exist.
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

/**
 * Nothing when nothing is retained; else `heading`, the resources as an indented table and, given
 * `deleteHeading`, the commands that delete the tables for good. The template turns their deletion
 * protection on, so it is turned off first; the deployer policy grants neither, on purpose.
 */
export function describeRetained(
  retained: readonly RetainedResource[],
  heading: readonly string[],
  deleteHeading?: readonly string[],
): string[] {
  if (retained.length === 0) return [];
  const table = formatTable(
    ["Logical ID", "Type", "Physical ID"],
    retained.map(({ logicalId, type, physicalId }) => [logicalId, type, physicalId]),
  );
  const deleteCommands = retained
    .filter(({ type }) => type === "AWS::DynamoDB::Table")
    .map(
      ({ physicalId: name }) =>
        `  aws dynamodb update-table --table-name ${name} --no-deletion-protection-enabled && ` +
        `aws dynamodb delete-table --table-name ${name}`,
    );
  return [
    ...heading,
    ...table.map((line) => `  ${line}`),
    ...(deleteHeading === undefined ? [] : [...deleteHeading, ...deleteCommands]),
  ];
}

/**
 * Explains a stack in ROLLBACK_COMPLETE (its first create failed and was rolled back: it holds no
 * working resources and cannot be updated), the way out, and what the rollback retained.
 */
export function explainRollbackComplete(stackName: string, retained: readonly RetainedResource[]): string[] {
  return [
    `Stack ${stackName} is in ROLLBACK_COMPLETE: its first create failed and was rolled back.`,
    "A stack in this state holds no working resources and cannot be updated. To recover:",
    "  1. fix the cause (the failed resources and reasons above, or in the CloudFormation console),",
    `  2. delete the stack: make destroy STACK_NAME=${stackName} CONFIRM=yes`,
    "     (or run make deploy in a terminal and accept its offer to delete it),",
    "  3. run make deploy again.",
    ...describeRetained(
      retained,
      [
        "The rollback kept these resources (DeletionPolicy Retain); their names are fixed, so a new create",
        "fails with 'already exists' while they exist. If they hold nothing you need, delete them first:",
      ],
      [],
    ),
  ];
}
