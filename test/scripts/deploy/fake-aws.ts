/**
 * A scripted CloudFormation for the deploy tests, on a CloudFormationClient stub from
 * test/support/aws-mocks.ts: DescribeStacks (and so the SDK's waiters), change sets,
 * ExecuteChangeSet and DeleteStack move one stack through its states, and DescribeStackEvents serves
 * its events newest first in pages of two (ListStackResources one per page), so every test
 * exercises the SDK's paginators.
 */

import {
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type Output,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { awsError } from "../../support/aws-mocks.js";

export const STACK_NAME = "demo";
export const STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/1111";
export const CHANGE_SET_ID = "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/cs/2222";

/** What the fake does on each call. */
export interface FakeStackScript {
  /** The stack's status before the deploy; undefined: no stack. */
  status?: string;
  /** Events already recorded, oldest first. */
  history?: StackEvent[];
  /** DescribeChangeSet answers in turn (the last one repeats). */
  changeSet?: { Status: string; StatusReason?: string; Changes?: Change[]; NextToken?: string }[];
  /** Resource events an execution records, oldest first, and the status it ends in. */
  execution?: { events: StackEvent[]; finalStatus: string };
  outputs?: Output[];
  /** The deployed template (GetTemplate) and its resources' physical ids (ListStackResources). */
  template?: string;
  physicalIds?: Record<string, string>;
  /** DeleteStack ends in DELETE_FAILED with this reason. */
  deleteFailure?: string;
}

let eventCounter = 0;

/** A stack event with a fresh id. */
export function event(
  logicalId: string,
  status: string,
  type = "AWS::DynamoDB::Table",
  reason?: string,
  physicalId?: string,
): StackEvent {
  eventCounter += 1;
  return {
    EventId: `e${eventCounter}`,
    StackId: STACK_ID,
    StackName: STACK_NAME,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceStatus: status as StackEvent["ResourceStatus"],
    Timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, eventCounter % 60)),
    ...(reason === undefined ? {} : { ResourceStatusReason: reason }),
    ...(physicalId === undefined ? {} : { PhysicalResourceId: physicalId }),
  };
}

/** Scripts `mock` (a CloudFormationClient stub) as the fake; returns it and the live state. */
export function fakeCloudFormation(mock: AwsClientStub<CloudFormationClient>, script: FakeStackScript) {
  mock.reset();
  const state = {
    status: script.status,
    events: [...(script.history ?? [])], // oldest first
    changeSetPolls: 0,
  };
  mock.on(DescribeStacksCommand).callsFake(() => {
    if (state.status === undefined) {
      throw awsError("ValidationError", `Stack with id ${STACK_NAME} does not exist`);
    }
    return {
      Stacks: [
        {
          StackName: STACK_NAME,
          StackId: STACK_ID,
          StackStatus: state.status,
          CreationTime: new Date(0),
          Outputs: script.outputs ?? [],
        },
      ],
    };
  });
  mock.on(DescribeStackEventsCommand).callsFake((input: { NextToken?: string }) => {
    const newestFirst = [...state.events].reverse();
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const page = newestFirst.slice(start, start + 2);
    return {
      StackEvents: page,
      ...(start + 2 < newestFirst.length ? { NextToken: String(start + 2) } : {}),
    };
  });
  mock.on(CreateChangeSetCommand).callsFake((input: { ChangeSetType?: string }) => {
    if (input.ChangeSetType === "CREATE") {
      state.status = "REVIEW_IN_PROGRESS";
      state.events.push(
        event(STACK_NAME, "REVIEW_IN_PROGRESS", "AWS::CloudFormation::Stack", "User Initiated"),
      );
    }
    return { Id: CHANGE_SET_ID, StackId: STACK_ID };
  });
  mock.on(DescribeChangeSetCommand).callsFake((input: { NextToken?: string }) => {
    const answers = script.changeSet ?? [{ Status: "CREATE_COMPLETE", Changes: [] }];
    if (input.NextToken !== undefined) {
      return { Status: "CREATE_COMPLETE", Changes: [resourceChange("Modify", "Page2Resource")] };
    }
    const answer = answers[Math.min(state.changeSetPolls, answers.length - 1)];
    state.changeSetPolls += 1;
    return { ...answer, StackId: STACK_ID, ChangeSetId: CHANGE_SET_ID };
  });
  mock.on(DeleteChangeSetCommand).resolves({});
  mock.on(ExecuteChangeSetCommand).callsFake(() => {
    const execution = script.execution ?? { events: [], finalStatus: "CREATE_COMPLETE" };
    state.events.push(...execution.events);
    state.status = execution.finalStatus;
    return {};
  });
  mock.on(GetTemplateCommand).callsFake(() => ({ TemplateBody: script.template ?? "Resources: {}" }));
  mock.on(ListStackResourcesCommand).callsFake((input: { NextToken?: string }) => {
    const all = Object.entries(script.physicalIds ?? {}).map(([LogicalResourceId, PhysicalResourceId]) => ({
      LogicalResourceId,
      PhysicalResourceId,
      ResourceType: "AWS::DynamoDB::Table",
      ResourceStatus: "CREATE_COMPLETE" as const,
      LastUpdatedTimestamp: new Date(0),
    }));
    // One resource per page, so that paging is exercised.
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    return {
      StackResourceSummaries: all.slice(start, start + 1),
      ...(start + 1 < all.length ? { NextToken: String(start + 1) } : {}),
    };
  });
  mock.on(DeleteStackCommand).callsFake(() => {
    state.events.push(event(STACK_NAME, "DELETE_IN_PROGRESS", "AWS::CloudFormation::Stack"));
    if (script.deleteFailure !== undefined) {
      state.events.push(event("Api", "DELETE_FAILED", "AWS::ApiGateway::RestApi", script.deleteFailure));
      state.status = "DELETE_FAILED";
      return {};
    }
    state.events.push(
      event("TokenTable", "DELETE_SKIPPED", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
    );
    state.events.push(event(STACK_NAME, "DELETE_COMPLETE", "AWS::CloudFormation::Stack"));
    state.status = "DELETE_COMPLETE";
    return {};
  });
  return { mock, state };
}

/** One row of a change set. */
export function resourceChange(action: string, logicalId: string, type = "AWS::Lambda::Function"): Change {
  return {
    Type: "Resource",
    ResourceChange: { Action: action as never, LogicalResourceId: logicalId, ResourceType: type },
  };
}

/** Waiting that takes milliseconds (the SDK waiters' timing is in seconds). */
export const FAST = { minDelay: 0.001, maxDelay: 0.004, maxWaitTime: 5 };
