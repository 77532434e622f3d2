import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from "@aws-sdk/client-api-gateway";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { resolveStackTokenTarget } from "../../../scripts/tokens/stack-target.js";
import { resolveTokenTarget } from "../../../scripts/tokens/token-target.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

/** The error a promise rejects with. */
async function rejection<T = Error>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error("expected a rejection");
}

describe("scripts/tokens/stack-target", () => {
  const aws = useAwsMocks({
    cloudformation: CloudFormationClient,
    dynamodb: DynamoDBClient,
    apigateway: APIGatewayClient,
    sts: STSClient,
  });
  const ALL_OUTPUTS = [
    { OutputKey: "TokenTableName", OutputValue: "demo-auth-token" },
    { OutputKey: "TokenAuditTableName", OutputValue: "demo-token-audit" },
    { OutputKey: "ApiId", OutputValue: "abc123" },
    { OutputKey: "StageName", OutputValue: "v1" },
  ];
  /** The token table's name, or the error resolving the target ended in. */
  const resolveTokenTable = async () => {
    const target = await resolveStackTokenTarget("demo", { AWS_REGION: "eu-west-1" });
    target.close();
    return target.tableName;
  };
  const stack = (outputs: { OutputKey: string; OutputValue: string }[]) => ({
    Stacks: [
      {
        StackName: "demo",
        StackStatus: "CREATE_COMPLETE" as const,
        CreationTime: new Date(0),
        Outputs: outputs,
      },
    ],
  });

  it("finds the token table through the TokenTableName output and checks it exists", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves(stack(ALL_OUTPUTS));
    aws.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: "demo-auth-token" } });
    expect(await resolveTokenTable()).to.equal("demo-auth-token");
    expect(aws.dynamodb.commandCalls(DescribeTableCommand)[0]?.args[0].input.TableName).to.equal(
      "demo-auth-token",
    );
  });

  it("says the stack was not found, naming the region", async () => {
    aws.cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError("ValidationError", "Stack with id demo does not exist"));
    const error = await rejection(resolveTokenTable());
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.equal("stack demo not found in eu-west-1");
  });

  it("says which output is missing from a stack of another template", async () => {
    aws.cloudformation
      .on(DescribeStacksCommand)
      .resolves(stack([{ OutputKey: "ApiUrl", OutputValue: "https://x" }]));
    const error = await rejection(resolveTokenTable());
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error.message).to.include("TokenTableName");
  });

  it("says the table is missing when the output names a table that is gone", async () => {
    aws.cloudformation
      .on(DescribeStacksCommand)
      .resolves(stack([{ OutputKey: "TokenTableName", OutputValue: "demo-auth-token" }]));
    aws.dynamodb
      .on(DescribeTableCommand)
      .rejects(awsError("ResourceNotFoundException", "Requested resource not found"));
    expect(await rejection(resolveTokenTable())).to.have.property(
      "message",
      "token table demo-auth-token of stack demo does not exist",
    );
  });

  it("reports missing credentials and throttling with the fix", async () => {
    aws.cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError("CredentialsProviderError", "Could not load credentials from any providers"));
    const noCredentials = await rejection<ApigwTokenAuthError>(resolveTokenTable());
    expect(noCredentials).to.be.instanceOf(ApigwTokenAuthError);
    expect(noCredentials.message).to.contain("no AWS credentials found: set AWS_PROFILE");
    aws.cloudformation.on(DescribeStacksCommand).rejects(awsError("Throttling", "Rate exceeded"));
    const throttled = await rejection<ApigwTokenAuthError>(resolveTokenTable());
    expect(throttled.expected).to.equal("a request AWS accepts within the SDK's retries");
  });

  it("gives the token CLI a target for --stack in AWS_REGION, and refuses --stack with --local", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves(stack(ALL_OUTPUTS));
    aws.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: "demo-auth-token" } });
    const target = await resolveStackTokenTarget("demo", { AWS_REGION: "eu-central-1" });
    expect(target).to.deep.include({
      tableName: "demo-auth-token",
      auditTableName: "demo-token-audit",
      supportsTransactions: true,
      description: "stack demo (table demo-auth-token in eu-central-1)",
    });
    target.close();
    expect(() => resolveTokenTarget({ local: true, stack: "demo" })).to.throw(
      ApigwTokenAuthError,
      "choose one of",
    );
  });

  it("names the caller's AWS identity as the actor (STS GetCallerIdentity)", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves(stack(ALL_OUTPUTS));
    aws.sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: "arn:aws:iam::123456789012:user/ada", Account: "123456789012" });
    const target = await resolveStackTokenTarget("demo", { AWS_REGION: "eu-west-1" });
    expect(await target.actor()).to.equal("arn:aws:iam::123456789012:user/ada");
    aws.sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError("ExpiredToken", "The security token included in the request is expired"));
    const expired = await rejection<ApigwTokenAuthError>(target.actor());
    expect(expired.expected).to.equal("unexpired credentials");
    target.close();
  });

  it("flushes the stage's authorizer cache with FlushStageAuthorizersCache on the stack's API and stage", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves(stack(ALL_OUTPUTS));
    aws.apigateway.on(FlushStageAuthorizersCacheCommand).resolves({});
    const target = await resolveStackTokenTarget("demo", { AWS_REGION: "eu-west-1" });
    expect(await target.flushAuthorizerCache()).to.equal(
      "authorizer cache of stage v1 of API abc123 flushed",
    );
    expect(aws.apigateway.commandCalls(FlushStageAuthorizersCacheCommand)[0]?.args[0].input).to.deep.equal({
      restApiId: "abc123",
      stageName: "v1",
    });
    aws.apigateway
      .on(FlushStageAuthorizersCacheCommand)
      .rejects(awsError("AccessDeniedException", "User is not authorized to perform: apigateway:DELETE"));
    const denied = await rejection<ApigwTokenAuthError>(target.flushAuthorizerCache());
    expect(denied.message).to.contain("apigateway:FlushStageAuthorizersCache");
    aws.apigateway
      .on(FlushStageAuthorizersCacheCommand)
      .rejects(awsError("NotFoundException", "Invalid stage identifier"));
    const missing = await rejection<ApigwTokenAuthError>(target.flushAuthorizerCache());
    expect(missing.message).to.equal(
      "apigateway:FlushStageAuthorizersCache on API abc123 stage v1 failed: Invalid stage identifier",
    );
    target.close();
  });

  it("refuses a stack from an older template without the audit table, API id or stage outputs", async () => {
    aws.cloudformation
      .on(DescribeStacksCommand)
      .resolves(stack([{ OutputKey: "TokenTableName", OutputValue: "demo-auth-token" }]));
    const error = await rejection(resolveStackTokenTarget("demo", { AWS_REGION: "eu-west-1" }));
    expect(error.message).to.equal("stack demo has no output TokenAuditTableName");
  });
});
