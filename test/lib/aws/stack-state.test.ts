import type { Stack } from "@aws-sdk/client-cloudformation";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { findStack, requireOutput, stackOutputs } from "../../../lib/aws/stack-state.js";
import { fakeCloudFormation, STACK_NAME } from "../../scripts/deploy/fake-aws.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

const stack = (status: string): Stack => ({
  StackName: "demo",
  StackStatus: status as never,
  CreationTime: new Date(0),
});

describe("lib/aws/stack-state", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient });
  it("finds no stack when CloudFormation says it does not exist", async () => {
    fakeCloudFormation(aws.cloudformation, {});
    expect(await findStack(new CloudFormationClient({ region: "eu-west-1" }), STACK_NAME)).to.equal(
      undefined,
    );
  });

  it("reads the outputs, and names the stack and the outputs it has when one is missing", () => {
    const withOutputs: Stack = {
      ...stack("CREATE_COMPLETE"),
      Outputs: [{ OutputKey: "ApiUrl", OutputValue: "https://x" }, { OutputKey: "NoValue" }],
    };
    expect(stackOutputs(withOutputs)).to.deep.equal({ ApiUrl: "https://x" });
    expect(requireOutput(withOutputs, "ApiUrl")).to.equal("https://x");
    expect(() => requireOutput(withOutputs, "TokenTableName")).to.throw(
      ApigwTokenAuthError,
      "stack demo has no output TokenTableName",
    );
  });
});
