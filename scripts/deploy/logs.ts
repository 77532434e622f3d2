/**
 * `make logs`: the stack's recent access-log and function log lines, newest last, one request per
 * block. A block is one API request: its access-log line (with the reason fields: who refused it and
 * why) and the authorizer invocation it caused (linked by `authorizerRequestId`); function
 * invocations that cannot be linked to a request form blocks of their own (START to REPORT). Lines
 * come from CloudWatch Logs FilterLogEvents through the SDK's paginator; `FOLLOW=1` keeps reading.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import {
  CloudWatchLogsClient,
  type FilteredLogEvent,
  paginateFilterLogEvents,
} from "@aws-sdk/client-cloudwatch-logs";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { commonClientConfig, createAwsClients, nonEmpty } from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { listStackResources, requireStack } from "../../lib/aws/stack-state.js";
import { parseDuration } from "../tokens/duration.js";
import { printLine, printLines, readDeploySettings } from "./settings.js";

/** A log line and where it came from. */
interface LogLine extends FilteredLogEvent {
  logGroupName: string;
  /** A short name for the log group: `access`, or the function's (`authorizer`, `user`, ...). */
  source: string;
}

/** One request (or one unlinked function invocation) and its lines, oldest first. */
interface LogBlock {
  key: string;
  lines: LogLine[];
}

/** What `make logs` reads; tests replace the clock and the sleep. */
export interface LogsOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** With FOLLOW=1, how many reads after the first (default: until the process is stopped). */
  followReads?: number;
}

/** How often FOLLOW=1 reads again. */
const FOLLOW_INTERVAL_MS = 2_000;

/**
 * `make logs` as a function: the log groups of STACK_NAME's stack, lines since SINCE (default 15m)
 * printed as blocks; with FOLLOW=1, new lines every 2 s until stopped.
 *
 * @example
 * ```ts
 * await runLogs({ env: { ...process.env, STACK_NAME: "demo", SINCE: "1h" } });
 * ```
 */
export async function runLogs(options: LogsOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? printLine;
  const now = options.now ?? Date.now;
  const sinceMs = parseSince(nonEmpty(env.SINCE) ?? "15m");
  const follow = nonEmpty(env.FOLLOW) === "1";
  const settings = readDeploySettings(env);
  const { cloudformation } = createAwsClients(settings);
  const logs = new CloudWatchLogsClient(commonClientConfig(settings));
  const groups = await stackLogGroups(cloudformation, settings.stackName);
  log(
    `Logs of stack ${settings.stackName} since ${new Date(now() - sinceMs).toISOString()}: ${groups.join(", ")}`,
  );
  const seen = new Set<string>();
  let startTime = now() - sinceMs;
  for (let read = 0; ; read++) {
    const lines = (await readLines(logs, groups, settings.stackName, startTime)).filter(
      (line) => line.eventId === undefined || !seen.has(line.eventId),
    );
    for (const line of lines) if (line.eventId !== undefined) seen.add(line.eventId);
    printLines(log, groupByRequest(lines).flatMap(formatBlock));
    if (!follow || read >= (options.followReads ?? Number.POSITIVE_INFINITY)) return;
    // Late-arriving lines can carry earlier timestamps: read a little back; `seen` drops repeats.
    startTime = Math.max(startTime, ...lines.map((line) => (line.timestamp ?? 0) - 60_000));
    await (options.sleep ?? ((ms) => delay(ms)))(FOLLOW_INTERVAL_MS);
  }
}

/** `SINCE` as milliseconds: a duration as the token CLI takes them (`30s`, `15m`, `2h`, `1d`). */
export function parseSince(text: string): number {
  try {
    return parseDuration(text) * 1000;
  } catch {
    throw new ApigwTokenAuthError("SINCE is not a duration", {
      expected: "a whole number and s, m, h or d, for example SINCE=15m",
      actual: JSON.stringify(text.slice(0, 40)),
    });
  }
}

/** The stack's access and function log groups (its AWS::Logs::LogGroup resources). */
async function stackLogGroups(cloudformation: CloudFormationClient, stackName: string): Promise<string[]> {
  await requireStack(cloudformation, stackName);
  // The execution log (API-Gateway-Execution-Logs_*) repeats the access log at length; left out.
  return (await listStackResources(cloudformation, stackName))
    .flatMap(({ ResourceType, PhysicalResourceId: name }) =>
      ResourceType === "AWS::Logs::LogGroup" && name?.startsWith("/aws/") ? [name] : [],
    )
    .sort();
}

/** Every line of `groups` from `startTime` on, oldest first (FilterLogEvents, all pages). */
async function readLines(
  logs: CloudWatchLogsClient,
  groups: string[],
  stackName: string,
  startTime: number,
): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const logGroupName of groups) {
    const source = logGroupName.startsWith("/aws/apigateway/")
      ? "access"
      : logGroupName.replace(`/aws/lambda/${stackName}-`, "");
    await callAws(`logs:FilterLogEvents (${logGroupName})`, async () => {
      for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName, startTime })) {
        for (const event of page.events ?? []) lines.push({ ...event, logGroupName, source });
      }
    });
  }
  return lines.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

/**
 * Lines grouped into blocks, oldest block first: an access-log line opens the block of its
 * `requestId`; a function line joins the invocation it belongs to (START/END/REPORT name it; lines
 * in between are the stream's current invocation), which joins the request whose
 * `authorizerRequestId` names it.
 */
function groupByRequest(lines: readonly LogLine[]): LogBlock[] {
  const invocationToRequest = new Map<string, string>();
  for (const line of lines) {
    const access = accessFields(line);
    if (access?.authorizerRequestId && access.requestId) {
      invocationToRequest.set(access.authorizerRequestId, access.requestId);
    }
  }
  const current = new Map<string, string>(); // log stream → its current invocation
  const blocks = new Map<string, LogBlock>();
  for (const line of lines) {
    const stream = `${line.logGroupName}/${line.logStreamName ?? ""}`;
    const named = /^(?:START|END|REPORT) RequestId: (\S+)/.exec(line.message ?? "")?.[1];
    if (named !== undefined) current.set(stream, named);
    const invocation = named ?? current.get(stream);
    const key =
      accessFields(line)?.requestId ?? invocationToRequest.get(invocation ?? "") ?? invocation ?? stream;
    const block = blocks.get(key) ?? { key, lines: [] };
    block.lines.push(line);
    blocks.set(key, block);
    if (line.message?.startsWith("END RequestId:")) current.delete(stream);
  }
  return [...blocks.values()];
}

/**
 * A block as text: a header (time, method, path, status and the reason fields that are set, for an
 * API request; the invocation otherwise), then each line under the short name of its log group.
 */
function formatBlock(block: LogBlock): string[] {
  const first = block.lines[0];
  const access = block.lines.map(accessFields).find((fields) => fields !== undefined);
  const time = new Date(first?.timestamp ?? 0).toISOString();
  const header =
    access === undefined
      ? `── ${time}  ${block.key}`
      : `── ${time}  ${access.httpMethod} ${access.path} → ${access.status}  (request ${access.requestId})` +
        reasons(access);
  return [
    header,
    ...block.lines.map((line) => `   ${line.source.padEnd(16)}  ${(line.message ?? "").trimEnd()}`),
  ];
}

/** The reason fields of an access-log line that say something (API Gateway writes "-" for none). */
function reasons(fields: Record<string, string>): string {
  const keys = [
    "errorType",
    "authorizerStatus",
    "authorizerError",
    "authorizeStatus",
    "authorizeError",
    "integrationError",
    "validationError",
  ];
  const set = keys.filter((key) => fields[key] !== undefined && fields[key] !== "-" && fields[key] !== "");
  return set.length === 0 ? "" : `  ${set.map((key) => `${key}=${fields[key]}`).join(" ")}`;
}

function accessFields(line: LogLine): Record<string, string> | undefined {
  if (line.source !== "access") return undefined;
  try {
    const fields = JSON.parse(line.message ?? "") as Record<string, string>;
    return typeof fields.requestId === "string" ? fields : undefined;
  } catch {
    return undefined;
  }
}
