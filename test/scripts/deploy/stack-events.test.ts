import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import {
  followStack,
  formatEvent,
  formatFailures,
  newestEventId,
  retainedResources,
  StackWaitTimeoutError,
} from "../../../scripts/deploy/stack-events.js";
import {
  event,
  fakeCloudFormation,
  NO_WAIT,
  restoreCloudFormation,
  STACK_ID,
  STACK_NAME,
} from "./fake-aws.js";

describe("scripts/deploy/stack-events", () => {
  afterEach(restoreCloudFormation);
  const client = new CloudFormationClient({ region: "eu-west-1" });

  it("prints every new event once, oldest first, reading as many pages as a poll needs", async () => {
    const old = event(STACK_NAME, "UPDATE_COMPLETE", "AWS::CloudFormation::Stack");
    const { state } = fakeCloudFormation({ status: "UPDATE_IN_PROGRESS", history: [old] });
    const marker = await newestEventId(client, STACK_ID);
    expect(marker).to.equal(old.EventId);
    // Five events (three pages of two) arrive before the first poll, two more before the second.
    const burst = ["A", "B", "C", "D", "E"].map((id) => event(id, "UPDATE_IN_PROGRESS"));
    state.events.push(...burst);
    const lines: string[] = [];
    let polls = 0;
    const result = await followStack(client, STACK_ID, marker, (line) => lines.push(line), {
      ...NO_WAIT,
      sleep: async () => {
        polls += 1;
        if (polls === 1) {
          state.events.push(
            event("F", "UPDATE_COMPLETE"),
            event(STACK_NAME, "UPDATE_COMPLETE", "AWS::CloudFormation::Stack"),
          );
          state.status = "UPDATE_COMPLETE";
        }
      },
    });
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

  it("gives up after the allowed polls while the stack stays in progress", async () => {
    fakeCloudFormation({ status: "CREATE_IN_PROGRESS" });
    const error = await followStack(client, STACK_ID, undefined, () => {}, { ...NO_WAIT, maxPolls: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(StackWaitTimeoutError);
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

  it("lists what a rollback or deletion retained", () => {
    expect(
      retainedResources([
        event("TokenTable", "DELETE_SKIPPED", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
        event("Api", "DELETE_COMPLETE", "AWS::ApiGateway::RestApi", undefined, "abc"),
      ]),
    ).to.deep.equal([
      { logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" },
    ]);
  });
});
