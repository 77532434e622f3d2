/**
 * Explaining a stack in ROLLBACK_COMPLETE: its first create failed and CloudFormation rolled it back.
 * Such a stack holds no working resources and cannot be updated; the only way on is to delete it
 * and create it again. Resources with DeletionPolicy Retain that the failed create had made (the
 * tables) survive the rollback, and because their names are fixed, the next create fails with
 * "already exists" until they are deleted.
 */
import type { StackEvent } from "@aws-sdk/client-cloudformation";
import { retainedResources } from "./stack-events.js";

/**
 * The shell command that deletes a retained table for good. The template turns deletion protection
 * on, so it is turned off first; the deployer policy grants neither, on purpose: an operator does it.
 *
 * @example
 * ```ts
 * deleteTableCommand("demo-users");
 * // "aws dynamodb update-table --table-name demo-users --no-deletion-protection-enabled && aws dynamodb delete-table --table-name demo-users"
 * ```
 */
export function deleteTableCommand(tableName: string): string {
  return (
    `aws dynamodb update-table --table-name ${tableName} --no-deletion-protection-enabled && ` +
    `aws dynamodb delete-table --table-name ${tableName}`
  );
}

/**
 * The explanation and the recovery steps, naming any retained resources.
 *
 * @example
 * ```ts
 * explainRollbackComplete("demo", events);
 * // ["Stack demo is in ROLLBACK_COMPLETE: its first create failed and was rolled back.", ...]
 * ```
 */
export function explainRollbackComplete(stackName: string, events: readonly StackEvent[]): string[] {
  const retained = retainedResources(events);
  const lines = [
    `Stack ${stackName} is in ROLLBACK_COMPLETE: its first create failed and was rolled back.`,
    "A stack in this state holds no working resources and cannot be updated. To recover:",
    "  1. fix the cause (the failed resources and reasons above, or in the CloudFormation console),",
    `  2. delete the stack: make destroy STACK_NAME=${stackName} CONFIRM=yes`,
    "     (or run make deploy in a terminal and accept its offer to delete it),",
    "  3. run make deploy again.",
  ];
  if (retained.length > 0) {
    lines.push(
      "The rollback kept these resources (DeletionPolicy Retain); their names are fixed, so a new create",
      "fails with 'already exists' while they exist. If they hold nothing you need, delete them first:",
      ...retained.map((resource) => `  ${resource.logicalId} (${resource.type}): ${resource.physicalId}`),
      ...retained
        .filter((resource) => resource.type === "AWS::DynamoDB::Table")
        .map((resource) => `  ${deleteTableCommand(resource.physicalId)}`),
    );
  }
  return lines;
}
