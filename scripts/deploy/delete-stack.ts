/**
 * Deleting a stack and following the deletion, for `make destroy` and for the recovery of a stack
 * stuck in ROLLBACK_COMPLETE.
 */
import { type CloudFormationClient, DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { callAws } from "../../lib/aws/aws-errors.js";
import type { PollOptions } from "./poll.js";
import { type FollowResult, followStack, newestEventId } from "./stack-events.js";

/**
 * Deletes the stack `stackId` (an id, not a name: a deleted stack is only found by id) and prints its
 * events until it is gone; returns the final status (DELETE_COMPLETE, or DELETE_FAILED).
 *
 * @example
 * ```ts
 * const { status, events } = await deleteStackAndWait(cloudformation, stack.StackId, console.log, poll);
 * ```
 */
export async function deleteStackAndWait(
  cloudformation: CloudFormationClient,
  stackId: string,
  log: (line: string) => void,
  poll: PollOptions,
): Promise<FollowResult> {
  const marker = await newestEventId(cloudformation, stackId);
  await callAws("cloudformation:DeleteStack", () =>
    cloudformation.send(new DeleteStackCommand({ StackName: stackId })),
  );
  return followStack(cloudformation, stackId, marker, log, poll);
}
