/**
 * Following a stack operation live: the SDK's waiter decides when the stack has settled, while an
 * event tail prints one line per stack event as CloudFormation records it; then what failed. Also
 * the one plain-text table layout of the deploy commands' output.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  paginateDescribeStackEvents,
  type StackEvent,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack } from "../../lib/aws/stack-state.js";

/**
 * How long and how often to wait, in seconds: the SDK waiters' configuration (they back off from
 * `minDelay` to `maxDelay`); the event tail reads every `minDelay`. Tests pass milliseconds' worth.
 */
export interface WaitTiming {
  minDelay: number;
  maxDelay: number;
  maxWaitTime: number;
}

/** Real AWS: poll every 3 to 10 s, for up to an hour (CloudFormation times resources out before). */
export const AWS_TIMING: WaitTiming = { minDelay: 3, maxDelay: 10, maxWaitTime: 3600 };

/** How `make deploy` and `make destroy` talk to the operator and wait. */
export interface CommandIo {
  log: (line: string) => void;
  /** Asks a yes/no question; answers false when nobody can answer (no terminal). */
  confirm: (question: string) => Promise<boolean>;
  timing: WaitTiming;
}

const WAITERS = {
  create: waitUntilStackCreateComplete,
  update: waitUntilStackUpdateComplete,
  delete: waitUntilStackDeleteComplete,
};

/**
 * The id of the stack's newest event, taken before an operation starts, so that following prints
 * only what the operation does (the stack's history is not replayed, and no clock is compared).
 */
export async function newestEventId(cloudformation: CloudFormationClient, stackId: string) {
  const page = await callAws("cloudformation:DescribeStackEvents", () =>
    cloudformation.send(new DescribeStackEventsCommand({ StackName: stackId })),
  );
  return page.StackEvents?.[0]?.EventId;
}

/**
 * Waits for the `operation` on `stackId` to settle (the SDK waiter) while printing each new event
 * after `afterEventId`; returns the final status and the operation's events, oldest first. A failing event read (access
 * denied) ends the wait at once instead of leaving the waiter to retry until its time is up.
 */
export async function followStack(
  cloudformation: CloudFormationClient,
  stackId: string,
  operation: keyof typeof WAITERS,
  afterEventId: string | undefined,
  log: (line: string) => void,
  timing: WaitTiming,
): Promise<{ status: string; events: StackEvent[] }> {
  const seen = new Set<string>(afterEventId === undefined ? [] : [afterEventId]);
  const events: StackEvent[] = [];
  const printNew = async () => {
    for (const event of await newEvents(cloudformation, stackId, seen)) {
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
  try {
    await WAITERS[operation](
      { client: cloudformation, ...timing, abortSignal: settled.signal },
      { StackName: stackId },
    );
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

/** Every event of the stack, oldest first (a few pages for a stack of this size). */
export function allStackEvents(cloudformation: CloudFormationClient, stackId: string): Promise<StackEvent[]> {
  return newEvents(cloudformation, stackId, new Set());
}

/** Events come newest first, in pages: read pages until an event already seen (or the marker). */
async function newEvents(cloudformation: CloudFormationClient, stackId: string, seen: Set<string>) {
  const fresh: StackEvent[] = [];
  await callAws("cloudformation:DescribeStackEvents", async () => {
    for await (const page of paginateDescribeStackEvents(
      { client: cloudformation },
      { StackName: stackId },
    )) {
      for (const event of page.StackEvents ?? []) {
        if (event.EventId === undefined || seen.has(event.EventId)) return;
        fresh.push(event);
      }
    }
  });
  for (const event of fresh) seen.add(event.EventId as string);
  return fresh.reverse();
}

/**
 * One progress line for an event: time, status, resource type, logical id, reason. Fixed widths,
 * because lines are printed one at a time as events arrive.
 */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? new Date(event.Timestamp).toISOString().slice(11, 19) : "--:--:--";
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : "";
  return `${time}  ${(event.ResourceStatus ?? "?").padEnd(28)}  ${(event.ResourceType ?? "?").padEnd(33)}  ${event.LogicalResourceId ?? "?"}${reason}`.trimEnd();
}

/**
 * The resource events of an operation that failed, oldest (the root cause) first, as a table.
 * Empty when nothing failed.
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
 * Lays out rows under headers, each column as wide as its widest cell, two spaces apart; the last
 * column is not padded, so no line ends in spaces.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? "";
        return column === widths.length - 1 ? cell : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}
