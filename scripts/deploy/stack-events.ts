/**
 * Following a stack operation live (the SDK's waiter decides when it has settled, while an event tail
 * prints each event), what failed, and the one table layout of the deploy commands' output.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  type CloudFormationClient,
  paginateDescribeStackEvents,
  type StackEvent,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack } from "../../lib/aws/stack-state.js";
import type { CommandIo } from "./settings.js";

const WAITERS = {
  create: waitUntilStackCreateComplete,
  update: waitUntilStackUpdateComplete,
  delete: waitUntilStackDeleteComplete,
};

/**
 * Runs `start` (the call that begins `operation`), prints each event it records until the stack
 * settles, and returns the final status and those events, oldest first. The newest event is read
 * before `start`, so history is not replayed (and no clock compared). A failing event read (access
 * denied) ends the wait at once instead of leaving the waiter to retry until its time is up.
 */
export async function followStack(
  cloudformation: CloudFormationClient,
  stackId: string,
  operation: keyof typeof WAITERS,
  start: () => Promise<unknown>,
  { log, timing }: Pick<CommandIo, "log" | "timing">,
): Promise<{ status: string; events: StackEvent[] }> {
  const seen = new Set<string>();
  await readStackEvents(cloudformation, stackId, seen, 1);
  await start();
  const events: StackEvent[] = [];
  const printNew = async () => {
    for (const event of await readStackEvents(cloudformation, stackId, seen)) {
      log(formatEvent(event));
      events.push(event);
    }
  };
  const settled = new AbortController();
  const tail = (async () => {
    while (!settled.signal.aborted) {
      await printNew();
      await delay(timing.minDelay * 1000, undefined, { signal: settled.signal }).catch(() => {});
    }
  })();
  tail.catch(() => settled.abort());
  const waiter = { client: cloudformation, ...timing, abortSignal: settled.signal };
  try {
    await WAITERS[operation](waiter, { StackName: stackId });
  } catch (error) {
    if ((error as Error).name === "TimeoutError") {
      throw new ApigwTokenAuthError(`stack ${stackId} did not settle in time`, {
        expected: `a final status within ${timing.maxWaitTime} s`,
        actual: "still in progress; it carries on in AWS, see the CloudFormation console",
      });
    }
    // A failure state (the status below says which) or the tail's abort (rethrown below).
  } finally {
    settled.abort();
  }
  await tail;
  await printNew(); // events recorded between the tail's last read and the settled status
  // A deleted stack is still found by id (DELETE_COMPLETE) for a while; an emulator may forget it.
  const status = (await findStack(cloudformation, stackId))?.StackStatus ?? "DELETE_COMPLETE";
  return { status, events };
}

/** The events not in `seen` (up to `limit`), oldest first; reading (newest first) stops at a seen one. */
export async function readStackEvents(
  cloudformation: CloudFormationClient,
  stackId: string,
  seen = new Set<string>(),
  limit = Number.POSITIVE_INFINITY,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  const pages = paginateDescribeStackEvents({ client: cloudformation }, { StackName: stackId });
  await callAws("cloudformation:DescribeStackEvents", async () => {
    for await (const page of pages) {
      for (const event of page.StackEvents ?? []) {
        if (event.EventId === undefined || seen.has(event.EventId) || fresh.length >= limit) return;
        fresh.push(event);
      }
    }
  });
  for (const event of fresh) seen.add(event.EventId as string);
  return fresh.reverse();
}

/** One line per event, in fixed widths: lines are printed one at a time as events arrive. */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? new Date(event.Timestamp).toISOString().slice(11, 19) : "--:--:--";
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : "";
  return `${time}  ${(event.ResourceStatus ?? "?").padEnd(28)}  ${(event.ResourceType ?? "?").padEnd(33)}  ${event.LogicalResourceId ?? "?"}${reason}`.trimEnd();
}

/** The failed resource events as a table, oldest (the root cause) first; empty when none failed. */
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

/** Rows under headers, each column as wide as its widest cell; no line ends in spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === widths.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}
