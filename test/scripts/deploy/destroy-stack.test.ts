import { CloudFormationClient, DeleteStackCommand } from "@aws-sdk/client-cloudformation";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  describeRetained,
  explainRollbackComplete,
  listRetainedResources,
  runDestroy,
} from "../../../scripts/deploy/destroy-stack.js";
import { useAwsMocks } from "../../support/aws-mocks.js";
import {
  FAST,
  type FakeStackScript,
  fakeCloudFormation as fakeStack,
  STACK_ID,
  STACK_NAME,
} from "./fake-aws.js";

const TEMPLATE = `
Resources:
  TokenTable: { Type: "AWS::DynamoDB::Table", DeletionPolicy: Retain }
  UserTable: { Type: "AWS::DynamoDB::Table", DeletionPolicy: Retain }
  CloudWatchRole: { Type: "AWS::IAM::Role", DeletionPolicy: Retain, Condition: Never }
  Api: { Type: "AWS::ApiGateway::RestApi" }
`;
const PHYSICAL = { TokenTable: "demo-auth-token", UserTable: "demo-users", Api: "abc123" };

function run(answer: boolean) {
  const lines: string[] = [];
  const result = runDestroy({
    env: {
      STACK_NAME,
      AWS_REGION: "eu-west-1",
      ARTIFACT_BUCKET: "demo-artifacts",
      CFN_ROLE_ARN: "arn:aws:iam::123456789012:role/CloudFormationDeployer-demo",
    },
    log: (line) => lines.push(line),
    confirm: async () => answer,
    timing: FAST,
  });
  return { lines, result };
}

describe("scripts/deploy/destroy-stack", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient, sts: STSClient });
  const fakeCloudFormation = (script: FakeStackScript) => fakeStack(aws.cloudformation, script);
  beforeEach(() => aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" }));

  it("deletes the stack once confirmed, follows it, and names the retained tables and the bucket", async () => {
    const { mock } = fakeCloudFormation({
      status: "UPDATE_COMPLETE",
      template: TEMPLATE,
      physicalIds: PHYSICAL,
    });
    const { lines, result } = run(true);
    expect(await result).to.equal("deleted");
    // By id, as the service role: the deployer itself may not delete the stack's resources.
    expect(mock.commandCalls(DeleteStackCommand)[0]?.args[0].input).to.deep.equal({
      StackName: STACK_ID,
      RoleARN: "arn:aws:iam::123456789012:role/CloudFormationDeployer-demo",
    });
    const text = lines.join("\n");
    expect(text).to.match(/DELETE_COMPLETE\s+AWS::CloudFormation::Stack\s+demo/);
    expect(text).to.include("TokenTable  AWS::DynamoDB::Table  demo-auth-token");
    expect(text).to.include("UserTable   AWS::DynamoDB::Table  demo-users");
    expect(text).not.to.include("CloudWatchRole"); // retained in the template, never created
    expect(text).not.to.include("abc123"); // deleted, not retained
    expect(text).to.include("aws dynamodb delete-table --table-name demo-users");
    expect(text).to.include("s3://demo-artifacts");
  });

  it("deletes nothing when the operator declines", async () => {
    const { mock } = fakeCloudFormation({
      status: "CREATE_COMPLETE",
      template: TEMPLATE,
      physicalIds: PHYSICAL,
    });
    const { lines, result } = run(false);
    expect(await result).to.equal("declined");
    expect(mock.commandCalls(DeleteStackCommand)).to.have.length(0);
    expect(lines.join("\n")).to.include("keeps these resources");
  });

  it("says so when there is no stack", async () => {
    fakeCloudFormation({});
    expect(await run(true).result).to.equal("absent");
  });

  it("fails with the resources that could not be deleted", async () => {
    fakeCloudFormation({
      status: "CREATE_COMPLETE",
      template: TEMPLATE,
      physicalIds: PHYSICAL,
      deleteFailure: "Stage in use",
    });
    const { lines, result } = run(true);
    const error = await result.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ApigwTokenAuthError).with.property("actual", "DELETE_FAILED");
    expect(lines.join("\n")).to.match(/Api\s+AWS::ApiGateway::RestApi\s+DELETE_FAILED\s+Stage in use/);
  });
});

describe("scripts/deploy/destroy-stack: retained resources", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient });
  const TABLE = { logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" };

  it("lists the deployed template's retained resources that exist, across pages of the resource list", async () => {
    fakeStack(aws.cloudformation, {
      template: `Resources:
  TokenTable: { Type: "AWS::DynamoDB::Table", DeletionPolicy: Retain }
  Never: { Type: "AWS::IAM::Role", DeletionPolicy: Retain, Condition: Off }
  Api: { Type: "AWS::ApiGateway::RestApi" }`,
      physicalIds: { Api: "abc123", TokenTable: "demo-auth-token" },
    });
    expect(
      await listRetainedResources(new CloudFormationClient({ region: "eu-west-1" }), STACK_ID),
    ).to.deep.equal([TABLE]);
  });

  it("prints them in the one table layout, with the commands that delete tables for good", () => {
    expect(describeRetained([TABLE], ["Kept:"])).to.deep.equal([
      "Kept:",
      "  Logical ID  Type                  Physical ID",
      "  ----------  --------------------  ---------------",
      "  TokenTable  AWS::DynamoDB::Table  demo-auth-token",
    ]);
    const bucket = { ...TABLE, type: "AWS::S3::Bucket" };
    expect(describeRetained([TABLE, bucket], [], ["To delete:"]).slice(-2)).to.deep.equal([
      "To delete:",
      "  aws dynamodb update-table --table-name demo-auth-token --no-deletion-protection-enabled && " +
        "aws dynamodb delete-table --table-name demo-auth-token",
    ]);
    expect(describeRetained([], ["Kept:"], ["To delete:"])).to.deep.equal([]);
  });

  it("explains ROLLBACK_COMPLETE with the way out, naming retained tables only when there are some", () => {
    const bare = explainRollbackComplete("demo", []);
    expect(bare[0]).to.equal(
      "Stack demo is in ROLLBACK_COMPLETE: its first create failed and was rolled back.",
    );
    expect(bare.join("\n")).not.to.include("DeletionPolicy Retain");
    const withTable = explainRollbackComplete("demo", [TABLE]);
    expect(withTable.join("\n")).to.include("aws dynamodb delete-table --table-name demo-auth-token");
  });
});
