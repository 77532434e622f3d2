import type { Stack } from "@aws-sdk/client-cloudformation";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { deployActionFor, findStack } from "../../../lib/aws/stack-state.js";
import { fakeCloudFormation, restoreCloudFormation, STACK_NAME } from "../../scripts/deploy/fake-aws.js";

const stack = (status: string): Stack => ({
  StackName: "demo",
  StackStatus: status as never,
  CreationTime: new Date(0),
});

describe("lib/aws/stack-state", () => {
  afterEach(restoreCloudFormation);
  it("finds no stack when CloudFormation says it does not exist", async () => {
    fakeCloudFormation({});
    expect(await findStack(new CloudFormationClient({ region: "eu-west-1" }), STACK_NAME)).to.equal(
      undefined,
    );
  });

  it("creates a missing stack, creates again over an empty REVIEW_IN_PROGRESS shell, updates a settled one", () => {
    expect(deployActionFor(undefined)).to.deep.equal({ kind: "create" });
    expect(deployActionFor(stack("REVIEW_IN_PROGRESS")).kind).to.equal("create-over-review");
    for (const status of ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"]) {
      expect(deployActionFor(stack(status)).kind).to.equal("update");
    }
    expect(deployActionFor(stack("ROLLBACK_COMPLETE")).kind).to.equal("rollback-complete");
  });

  it("refuses busy and stuck stacks with the way out in the message", () => {
    expect(() => deployActionFor(stack("UPDATE_IN_PROGRESS"))).to.throw(ApigwTokenAuthError, /busy/);
    expect(() => deployActionFor(stack("UPDATE_ROLLBACK_FAILED"))).to.throw(
      ApigwTokenAuthError,
      /continue-update-rollback/,
    );
    expect(() => deployActionFor(stack("DELETE_FAILED"))).to.throw(
      ApigwTokenAuthError,
      /make destroy STACK_NAME=demo/,
    );
  });
});
