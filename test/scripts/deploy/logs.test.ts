import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import {
  CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseSince, runLogs } from "../../../scripts/deploy/logs.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const ACCESS = "/aws/apigateway/demo/access";
const AUTHORIZER = "/aws/lambda/demo-authorizer";
const USER = "/aws/lambda/demo-user";

const access = (requestId: string, fields: Record<string, string>) =>
  JSON.stringify({
    requestId,
    httpMethod: "GET",
    path: "/v1/user/u1",
    status: "200",
    errorType: "-",
    authorizerError: "-",
    authorizeError: "-",
    integrationError: "-",
    ...fields,
  });

let eventCounter = 0;
const event = (timestamp: number, message: string, logStreamName = "stream-1"): FilteredLogEvent => {
  eventCounter += 1;
  return { eventId: `ev${eventCounter}`, timestamp: NOW - 60_000 + timestamp, message, logStreamName };
};

describe("scripts/deploy/logs", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient, logs: CloudWatchLogsClient });
  const env = { STACK_NAME: "demo", AWS_REGION: "eu-west-1" };
  let groups: Record<string, FilteredLogEvent[]>;

  beforeEach(() => {
    aws.cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: "demo", StackStatus: "UPDATE_COMPLETE", CreationTime: new Date(0) }],
    });
    aws.cloudformation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [ACCESS, AUTHORIZER, USER, "API-Gateway-Execution-Logs_abc/v1"].map((name) => ({
        LogicalResourceId: name.replace(/\W/g, ""),
        PhysicalResourceId: name,
        ResourceType: "AWS::Logs::LogGroup",
        ResourceStatus: "CREATE_COMPLETE",
        LastUpdatedTimestamp: new Date(0),
      })),
    });
    // Two events per page, so that paging is exercised.
    aws.logs
      .on(FilterLogEventsCommand)
      .callsFake((input: { logGroupName: string; nextToken?: string; startTime: number }) => {
        const events = (groups[input.logGroupName] ?? []).filter(
          (e) => (e.timestamp ?? 0) >= input.startTime,
        );
        const start = Number(input.nextToken ?? 0);
        return {
          events: events.slice(start, start + 2),
          ...(start + 2 < events.length ? { nextToken: String(start + 2) } : {}),
        };
      });
  });

  const run = async (extra: Record<string, string> = {}, options: Parameters<typeof runLogs>[0] = {}) => {
    const lines: string[] = [];
    await runLogs({ env: { ...env, ...extra }, log: (line) => lines.push(line), now: () => NOW, ...options });
    return lines;
  };

  it("prints one block per request, newest last: the access line with its reasons and the authorizer run it caused", async () => {
    groups = {
      [AUTHORIZER]: [
        event(1_000, "START RequestId: inv-1 Version: $LATEST"),
        event(1_010, '{"level":"INFO","service":"authorizer","message":"denied","reason":"unknown token"}'),
        event(1_020, "END RequestId: inv-1"),
        event(1_021, "REPORT RequestId: inv-1 Duration: 21.00 ms"),
      ],
      [ACCESS]: [
        event(
          1_100,
          access("req-1", { status: "401", errorType: "UNAUTHORIZED", authorizerRequestId: "inv-1" }),
        ),
        event(5_000, access("req-2", { status: "200", principalId: "alice" })),
      ],
      [USER]: [event(4_900, "START RequestId: inv-2 Version: $LATEST"), event(4_950, "END RequestId: inv-2")],
    };
    const lines = await run();
    expect(lines[0]).to.equal(
      `Logs of stack demo since ${new Date(NOW - 15 * 60_000).toISOString()}: ${ACCESS}, ${AUTHORIZER}, ${USER}`,
    );
    const headers = lines.filter((line) => line.startsWith("── "));
    expect(headers).to.deep.equal([
      `── ${new Date(NOW - 59_000).toISOString()}  GET /v1/user/u1 → 401  (request req-1)  errorType=UNAUTHORIZED`,
      `── ${new Date(NOW - 55_100).toISOString()}  inv-2`,
      `── ${new Date(NOW - 55_000).toISOString()}  GET /v1/user/u1 → 200  (request req-2)`,
    ]);
    const first = lines.slice(lines.indexOf(headers[0] as string) + 1, lines.indexOf(headers[1] as string));
    expect(first.map((line) => line.trim().split(/\s+/)[0])).to.deep.equal([
      "authorizer",
      "authorizer",
      "authorizer",
      "authorizer",
      "access",
    ]);
    expect(first[1]).to.include('"reason":"unknown token"');
    expect(lines.join("\n")).not.to.include("API-Gateway-Execution-Logs");
  });

  it("reads every page from SINCE on", async () => {
    groups = {
      [ACCESS]: [
        event(-3_600_000, access("old", {})),
        ...[1, 2, 3].map((i) => event(i, access(`r${i}`, {}))),
      ],
    };
    const lines = await run({ SINCE: "30m" });
    expect(
      lines.filter((line) => line.startsWith("── ")).map((line) => line.split("request ")[1]),
    ).to.deep.equal(["r1)", "r2)", "r3)"]);
    const calls = aws.logs
      .commandCalls(FilterLogEventsCommand)
      .filter((call) => call.args[0].input.logGroupName === ACCESS);
    expect(calls).to.have.length(2); // three lines since SINCE, two per page
    expect(calls[0]?.args[0].input.startTime).to.equal(NOW - 30 * 60_000);
  });

  it("with FOLLOW=1 reads again and prints only lines it has not printed", async () => {
    groups = { [ACCESS]: [event(1, access("r1", {}))] };
    let sleeps = 0;
    const lines = await run(
      { FOLLOW: "1" },
      {
        followReads: 1,
        sleep: async () => {
          sleeps += 1;
          groups[ACCESS]?.push(event(2_000, access("r2", {})));
        },
      },
    );
    expect(sleeps).to.equal(1);
    expect(
      lines.filter((line) => line.startsWith("── ")).map((line) => line.split("request ")[1]),
    ).to.deep.equal(["r1)", "r2)"]);
  });

  it("says what is wrong with SINCE, a missing stack and denied log reads", async () => {
    expect(parseSince("15m")).to.equal(900_000);
    expect(parseSince("2h")).to.equal(7_200_000);
    expect(() => parseSince("15 minutes")).to.throw(ApigwTokenAuthError, "SINCE is not a duration");
    aws.cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError("ValidationError", "Stack with id demo does not exist"));
    const missing = await run().catch((e: unknown) => e as Error);
    expect((missing as Error).message).to.equal("stack demo not found in eu-west-1");
    aws.cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: "demo", StackStatus: "UPDATE_COMPLETE", CreationTime: new Date(0) }],
    });
    aws.logs.on(FilterLogEventsCommand).rejects(awsError("AccessDeniedException", "not authorized", 400));
    const denied = await run().catch((e: unknown) => e as Error);
    expect((denied as Error).message).to.include(`access denied on logs:FilterLogEvents (${ACCESS})`);
  });
});
