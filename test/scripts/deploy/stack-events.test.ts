import { CloudFormationClient, DescribeStackEventsCommand } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { followStack, formatEvent, formatFailures } from "../../../scripts/deploy/stack-events.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";
import { event, FAST, fakeCloudFormation, STACK_ID, STACK_NAME } from "./fake-aws.js";

describe("scripts/deploy/stack-events", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient });
  const client = new CloudFormationClient({ region: "eu-west-1" });
  const quiet = { log: () => {}, timing: FAST };

  it("prints every new event once, oldest first, reading as many pages as the tail needs", async () => {
    const old = event(STACK_NAME, "UPDATE_COMPLETE", "AWS::CloudFormation::Stack");
    const { state } = fakeCloudFormation(aws.cloudformation, {
      status: "UPDATE_IN_PROGRESS",
      history: [old],
    });
    // Five events (three pages of two) arrive as the operation starts, two more while it waits; the
    // stack's history before it (`old`) is not printed.
    const start = async () => {
      state.events.push(...["A", "B", "C", "D", "E"].map((id) => event(id, "UPDATE_IN_PROGRESS")));
      setTimeout(() => {
        state.events.push(
          event("F", "UPDATE_COMPLETE"),
          event(STACK_NAME, "UPDATE_COMPLETE", "AWS::CloudFormation::Stack"),
        );
        state.status = "UPDATE_COMPLETE";
      }, 30);
    };
    const lines: string[] = [];
    const io = { log: (line: string) => lines.push(line), timing: FAST };
    const result = await followStack(client, STACK_ID, "update", start, io);
    expect(result.status).to.equal("UPDATE_COMPLETE");
    expect(lines.map((line) => line.trim().split(/\s+/)[3])).to.deep.equal([
      "A",
      "B",
      "C",
      "D",
      "E",
      "F",
      STACK_NAME,
    ]);
    expect(result.events).to.have.length(7);
  });

  it("returns the failure status the waiter stopped on (a rollback), with the events", async () => {
    const { state } = fakeCloudFormation(aws.cloudformation, {
      status: "UPDATE_IN_PROGRESS",
      history: [event(STACK_NAME, "UPDATE_IN_PROGRESS", "AWS::CloudFormation::Stack")],
    });
    const start = async () => {
      state.events.push(event("UserFunction", "UPDATE_FAILED", "AWS::Lambda::Function", "boom"));
      state.status = "UPDATE_ROLLBACK_COMPLETE";
    };
    const result = await followStack(client, STACK_ID, "update", start, quiet);
    expect(result.status).to.equal("UPDATE_ROLLBACK_COMPLETE");
    expect(result.events.map((e) => e.LogicalResourceId)).to.deep.equal(["UserFunction"]);
  });

  it("gives up when the stack stays in progress beyond the time allowed", async () => {
    fakeCloudFormation(aws.cloudformation, { status: "CREATE_IN_PROGRESS" });
    const error = await followStack(client, STACK_ID, "create", async () => {}, {
      log: () => {},
      timing: { ...FAST, maxWaitTime: 0.05 },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect((error as Error).message).to.equal(`stack ${STACK_ID} did not settle in time`);
  });

  it("stops waiting at once when the events cannot be read, with the reason", async () => {
    fakeCloudFormation(aws.cloudformation, { status: "CREATE_IN_PROGRESS" });
    aws.cloudformation.on(DescribeStackEventsCommand).rejects(awsError("AccessDenied", "not allowed", 403));
    const started = Date.now();
    const error = await followStack(client, STACK_ID, "create", async () => {}, quiet).catch(
      (e: unknown) => e as Error,
    );
    expect((error as Error).message).to.include("access denied on cloudformation:DescribeStackEvents");
    expect(Date.now() - started).to.be.below(FAST.maxWaitTime * 1000);
  });

  it("formats one line per event and a failure table without the stack's own events", () => {
    const failed = event("UserFunction", "CREATE_FAILED", "AWS::Lambda::Function", "Role not found");
    expect(formatEvent(failed)).to.match(
      /^\d\d:\d\d:\d\d {2}CREATE_FAILED +AWS::Lambda::Function +UserFunction {2}Role not found$/,
    );
    const table = formatFailures([
      event("TokenTable", "CREATE_COMPLETE"),
      failed,
      event(STACK_NAME, "ROLLBACK_FAILED", "AWS::CloudFormation::Stack", "x"),
    ]);
    expect(table).to.have.length(3);
    expect(table[2]).to.match(/^UserFunction +AWS::Lambda::Function +CREATE_FAILED +Role not found$/);
    expect(formatFailures([event("TokenTable", "CREATE_COMPLETE")])).to.deep.equal([]);
  });
});
