/**
 * `make destroy`: deletes the stack after a confirmation, follows the deletion event by event, and
 * says what survives: the tables (DeletionPolicy Retain, so tokens and users are kept) and the
 * artifact bucket (not part of the stack).
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { findStack } from "../../lib/aws/stack-state.js";
import { deleteStackAndWait } from "./delete-stack.js";
import type { PollOptions } from "./poll.js";
import { formatRetained, listRetainedResources } from "./retained-resources.js";
import { deleteTableCommand } from "./rollback-recovery.js";
import { formatFailures } from "./stack-events.js";

/** The stack could not be deleted; the failed resources have been printed. */
export class DestroyFailedError extends ApigwTokenAuthError {}

/** How a destroy ended without failing. */
export type DestroyOutcome = "deleted" | "absent" | "declined";

/**
 * Deletes `stackName` if the operator confirms; returns how it ended or throws
 * {@link DestroyFailedError} when the deletion fails.
 *
 * @example
 * ```ts
 * await destroyStack(cloudformation, { stackName: "demo", region: "eu-west-1" }, { log, confirm, poll });
 * ```
 */
export async function destroyStack(
  cloudformation: CloudFormationClient,
  target: { stackName: string; region: string; artifactBucket?: string },
  io: { log: (line: string) => void; confirm: (question: string) => Promise<boolean>; poll: PollOptions },
): Promise<DestroyOutcome> {
  const { stackName, region } = target;
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined) {
    io.log(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
    return "absent";
  }
  const stackId = stack.StackId ?? stackName;
  const retained = await listRetainedResources(cloudformation, stackId);
  io.log(`Stack ${stackName} in ${region} is ${stack.StackStatus}.`);
  if (retained.length > 0) {
    io.log("Deleting it keeps these resources (DeletionPolicy Retain) and their data:");
    for (const line of formatRetained(retained)) io.log(line);
  }
  if (!(await io.confirm(`Delete stack ${stackName} in ${region}?`))) {
    io.log("Not deleted.");
    return "declined";
  }
  const { status, events } = await deleteStackAndWait(cloudformation, stackId, io.log, io.poll);
  if (status !== "DELETE_COMPLETE") {
    io.log(`Delete failed: stack ${stackName} is ${status}.`);
    for (const line of formatFailures(events)) io.log(line);
    throw new DestroyFailedError(`could not delete stack ${stackName}`, {
      expected: "DELETE_COMPLETE",
      actual: status,
    });
  }
  io.log("");
  io.log(`Deleted stack ${stackName}.`);
  const tables = retained.filter((resource) => resource.type === "AWS::DynamoDB::Table");
  if (retained.length > 0) {
    io.log("Kept (DeletionPolicy Retain), with their data:");
    for (const line of formatRetained(retained)) io.log(line);
    io.log(
      "A new stack of the same name cannot create tables with these names while they exist. To delete them for good:",
    );
    for (const table of tables) io.log(`  ${deleteTableCommand(table.physicalId)}`);
  }
  if (target.artifactBucket !== undefined) {
    io.log(`The artifact bucket s3://${target.artifactBucket} is not part of the stack and was kept.`);
  }
  return "deleted";
}
