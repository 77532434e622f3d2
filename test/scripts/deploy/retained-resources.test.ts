import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import {
  deleteTableCommands,
  explainRollbackComplete,
  formatRetained,
  listRetainedResources,
  retainedByEvents,
} from "../../../scripts/deploy/retained-resources.js";
import { useAwsMocks } from "../../support/aws-mocks.js";
import { event, fakeCloudFormation, STACK_ID } from "./fake-aws.js";

describe("scripts/deploy/retained-resources", () => {
  const aws = useAwsMocks({ cloudformation: CloudFormationClient });
  const TABLE = { logicalId: "TokenTable", type: "AWS::DynamoDB::Table", physicalId: "demo-auth-token" };

  it("lists the deployed template's retained resources that exist, across pages of the resource list", async () => {
    fakeCloudFormation(aws.cloudformation, {
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

  it("lists what a rollback or deletion retained, from its DELETE_SKIPPED events", () => {
    expect(
      retainedByEvents([
        event("TokenTable", "DELETE_SKIPPED", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
        event("Api", "DELETE_COMPLETE", "AWS::ApiGateway::RestApi", undefined, "abc"),
      ]),
    ).to.deep.equal([TABLE]);
  });

  it("prints them in the one table layout, with the commands that delete tables for good", () => {
    expect(formatRetained([TABLE])).to.deep.equal([
      "  Logical ID  Type                  Physical ID",
      "  ----------  --------------------  ---------------",
      "  TokenTable  AWS::DynamoDB::Table  demo-auth-token",
    ]);
    expect(deleteTableCommands([TABLE, { ...TABLE, type: "AWS::S3::Bucket" }])).to.deep.equal([
      "  aws dynamodb update-table --table-name demo-auth-token --no-deletion-protection-enabled && " +
        "aws dynamodb delete-table --table-name demo-auth-token",
    ]);
  });

  it("explains ROLLBACK_COMPLETE with the way out, naming retained tables only when there are some", () => {
    const bare = explainRollbackComplete("demo", []);
    expect(bare[0]).to.equal(
      "Stack demo is in ROLLBACK_COMPLETE: its first create failed and was rolled back.",
    );
    expect(bare.join("\n")).not.to.include("DeletionPolicy Retain");
    const withTable = explainRollbackComplete("demo", [
      event("TokenTable", "DELETE_SKIPPED", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
    ]);
    expect(withTable.join("\n")).to.include("aws dynamodb delete-table --table-name demo-auth-token");
  });
});
