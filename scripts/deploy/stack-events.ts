/**
 * Following a stack operation live: one line per stack event as CloudFormation records it, until
 * the stack settles, then what failed (if anything) and what a rollback left behind.
 */
import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { formatTable } from "./format-table.js";
import type { PollOptions } from "./poll.js";

/** The stack did not settle within the polls allowed. */
export class StackWaitTimeoutError extends ApigwTokenAuthError {}

/** How a followed operation ended. */
export interface FollowResult {
  /** The stack's final status, for example CREATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE. */
  status: string;
  /** Every event of the operation, oldest first. */
  events: StackEvent[];
}

/**
 * The id of the stack's newest event, taken before an operation starts, so that following prints
 * only what the operation does (the stack's history is not replayed, and no clock is compared).
 *
 * @example
 * ```ts
 * const marker = await newestEventId(cloudformation, stackId);
 * ```
 */
export async function newestEventId(
  cloudformation: CloudFormationClient,
  stackId: string,
): Promise<string | undefined> {
  const page = await callAws("cloudformation:DescribeStackEvents", () =>
    cloudformation.send(new DescribeStackEventsCommand({ StackName: stackId })),
  );
  return page.StackEvents?.[0]?.EventId;
}

/**
 * Prints each new event of `stackId` (after `afterEventId`) as it happens until the stack's status
 * no longer ends in `_IN_PROGRESS`; returns that status and the events.
 *
 * Events come newest first, in pages; each poll reads pages until it meets an event it has seen
 * (or the marker), so a burst of more than one page between polls is not lost.
 *
 * @example
 * ```ts
 * const { status, events } = await followStack(cloudformation, stackId, marker, console.log, poll);
 * ```
 */
export async function followStack(
  cloudformation: CloudFormationClient,
  stackId: string,
  afterEventId: string | undefined,
  log: (line: string) => void,
  poll: PollOptions,
): Promise<FollowResult> {
  const seen = new Set<string>(afterEventId === undefined ? [] : [afterEventId]);
  const events: StackEvent[] = [];
  const drain = async () => {
    for (const event of await newEvents(cloudformation, stackId, seen)) {
      log(formatEvent(event));
      events.push(event);
    }
  };
  for (let attempt = 0; attempt < poll.maxPolls; attempt++) {
    await drain();
    const status = await stackStatus(cloudformation, stackId);
    if (!status.endsWith("_IN_PROGRESS")) {
      // Events recorded between the last read and the status check belong to the operation too.
      await drain();
      return { status, events };
    }
    await poll.sleep(poll.intervalMs);
  }
  throw new StackWaitTimeoutError(`stack ${stackId} did not settle in time`, {
    expected: `a final status within ${poll.maxPolls} polls`,
    actual: "still in progress; it carries on in AWS, see the CloudFormation console",
  });
}

/**
 * Every event of the stack, oldest first (a few pages for a stack of this size).
 *
 * @example
 * ```ts
 * retainedResources(await allStackEvents(cloudformation, stackId));
 * ```
 */
export async function allStackEvents(
  cloudformation: CloudFormationClient,
  stackId: string,
): Promise<StackEvent[]> {
  return newEvents(cloudformation, stackId, new Set());
}

async function newEvents(
  cloudformation: CloudFormationClient,
  stackId: string,
  seen: Set<string>,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  pages: do {
    const page = await callAws("cloudformation:DescribeStackEvents", () =>
      cloudformation.send(
        new DescribeStackEventsCommand({
          StackName: stackId,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      ),
    );
    for (const event of page.StackEvents ?? []) {
      if (event.EventId === undefined || seen.has(event.EventId)) break pages;
      fresh.push(event);
    }
    token = page.NextToken;
  } while (token !== undefined);
  for (const event of fresh) seen.add(event.EventId as string);
  return fresh.reverse();
}

async function stackStatus(cloudformation: CloudFormationClient, stackId: string): Promise<string> {
  const result = await callAws("cloudformation:DescribeStacks", () =>
    cloudformation.send(new DescribeStacksCommand({ StackName: stackId })),
  );
  return result.Stacks?.[0]?.StackStatus ?? "UNKNOWN";
}

/**
 * One progress line for an event: time, status, resource type, logical id, reason.
 *
 * @example
 * ```ts
 * formatEvent({ Timestamp: new Date("2026-01-01T10:00:00Z"), ResourceStatus: "CREATE_COMPLETE",
 *   ResourceType: "AWS::DynamoDB::Table", LogicalResourceId: "TokenTable" });
 * // "10:00:00  CREATE_COMPLETE               AWS::DynamoDB::Table               TokenTable"
 * ```
 */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? new Date(event.Timestamp).toISOString().slice(11, 19) : "--:--:--";
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : "";
  return `${time}  ${(event.ResourceStatus ?? "?").padEnd(28)}  ${(event.ResourceType ?? "?").padEnd(33)}  ${event.LogicalResourceId ?? "?"}${reason}`.trimEnd();
}

/**
 * The resource events of an operation that failed, oldest (the root cause) first, as a table.
 * Empty when nothing failed.
 *
 * @example
 * ```ts
 * formatFailures(events); // ["Logical ID  Type  Status  Reason", "...", "UserFunction  AWS::Lambda::Function  CREATE_FAILED  ..."]
 * ```
 */
export function formatFailures(events: readonly StackEvent[]): string[] {
  const failed = events.filter(
    (event) =>
      event.ResourceStatus?.endsWith("_FAILED") && event.ResourceType !== "AWS::CloudFormation::Stack",
  );
  if (failed.length === 0) return [];
  return formatTable(
    ["Logical ID", "Type", "Status", "Reason"],
    failed.map((event) => [
      event.LogicalResourceId ?? "?",
      event.ResourceType ?? "?",
      event.ResourceStatus ?? "?",
      event.ResourceStatusReason ?? "",
    ]),
  );
}

/**
 * Resources a rollback or deletion left in place (DeletionPolicy Retain): DELETE_SKIPPED events,
 * as `{ logicalId, type, physicalId }`.
 *
 * @example
 * ```ts
 * retainedResources(events); // [{ logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" }]
 * ```
 */
export function retainedResources(
  events: readonly StackEvent[],
): { logicalId: string; type: string; physicalId: string }[] {
  return events
    .filter((event) => event.ResourceStatus === "DELETE_SKIPPED" && event.PhysicalResourceId)
    .map((event) => ({
      logicalId: event.LogicalResourceId ?? "?",
      type: event.ResourceType ?? "?",
      physicalId: event.PhysicalResourceId as string,
    }));
}
