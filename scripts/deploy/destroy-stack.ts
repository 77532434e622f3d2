/**
 * `make destroy`: deletes the stack after a confirmation, follows the deletion event by event, and
 * says what survives: the tables (DeletionPolicy Retain, so tokens and users are kept) and the
 * artifact bucket (not part of the stack). Also the deletion a deploy does to recover a stack stuck
 * in ROLLBACK_COMPLETE.
 */
import { type CloudFormationClient, DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { createAwsClients, resolveIdentity } from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack } from "../../lib/aws/stack-state.js";
import { deleteTableCommands, formatRetained, listRetainedResources } from "./retained-resources.js";
import { createConfirm, defaultArtifactBucket, readDeploySettings } from "./settings.js";
import {
  AWS_TIMING,
  type FollowResult,
  followStack,
  formatFailures,
  newestEventId,
  type WaitTiming,
} from "./stack-events.js";

/** How a destroy ended without failing. */
export type DestroyOutcome = "deleted" | "absent" | "declined";

/** How a destroy talks to the operator and waits. */
export interface DestroyIo {
  log: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
  timing: WaitTiming;
}

/**
 * `make destroy` as a function: deletes the stack the environment names (STACK_NAME, AWS_REGION;
 * CONFIRM=yes skips the question).
 *
 * @example
 * ```ts
 * await runDestroy({ env: { ...process.env, STACK_NAME: "demo", CONFIRM: "yes" } }); // "deleted"
 * ```
 */
export async function runDestroy(options: { env?: NodeJS.ProcessEnv } & Partial<DestroyIo> = {}) {
  const env = options.env ?? process.env;
  const settings = readDeploySettings(env);
  const clients = createAwsClients(settings);
  const { region, accountId } = await resolveIdentity(clients);
  return destroyStack(
    clients.cloudformation,
    {
      stackName: settings.stackName,
      region,
      artifactBucket: settings.artifactBucket ?? defaultArtifactBucket(settings.stackName, accountId, region),
      cfnRoleArn: settings.cfnRoleArn,
    },
    {
      log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
      confirm: options.confirm ?? createConfirm(env),
      timing: options.timing ?? AWS_TIMING,
    },
  );
}

/**
 * Deletes `stackName` if the operator confirms; returns how it ended; throws when the deletion
 * fails, after printing the resources that could not be deleted.
 */
export async function destroyStack(
  cloudformation: CloudFormationClient,
  target: { stackName: string; region: string; artifactBucket?: string; cfnRoleArn?: string | undefined },
  io: DestroyIo,
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
  const { status, events } = await deleteStackAndWait(
    cloudformation,
    stackId,
    target.cfnRoleArn,
    io.log,
    io.timing,
  );
  if (status !== "DELETE_COMPLETE") {
    log([`Delete failed: stack ${stackName} is ${status}.`, ...formatFailures(events)]);
    throw new ApigwTokenAuthError(`could not delete stack ${stackName}`, {
      expected: "DELETE_COMPLETE",
      actual: status,
    });
  }
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
 * Deletes the stack `stackId` (an id, not a name: a deleted stack is only found by id), as the
 * service role `roleArn` when there is one, and prints its events until it is gone; returns the
 * final status (DELETE_COMPLETE, or DELETE_FAILED).
 */
export async function deleteStackAndWait(
  cloudformation: CloudFormationClient,
  stackId: string,
  roleArn: string | undefined,
  log: (line: string) => void,
  timing: WaitTiming,
): Promise<FollowResult> {
  const marker = await newestEventId(cloudformation, stackId);
  await callAws("cloudformation:DeleteStack", () =>
    cloudformation.send(
      new DeleteStackCommand({ StackName: stackId, ...(roleArn === undefined ? {} : { RoleARN: roleArn }) }),
    ),
  );
  return followStack(cloudformation, stackId, "delete", marker, log, timing);
}
