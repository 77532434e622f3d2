import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { loadTemplate, parseTemplate } from "../../../lib/cloudformation/load-template.js";
import {
  changeSetTypeFor,
  deployParameters,
  requiredCapabilities,
  runDeploy,
} from "../../../scripts/deploy/deploy-stack.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";
import {
  CHANGE_SET_ID,
  event,
  FAST,
  type FakeStackScript,
  fakeCloudFormation as fakeStack,
  resourceChange,
  STACK_NAME,
} from "./fake-aws.js";

const TEMPLATE = `
Parameters:
  StageName: { Type: String, Default: v1 }
  ArtifactBucket: { Type: String }
  AuthorizerCodeKey: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  TokenTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
`;

// What make package leaves for make deploy: the rendered template and the manifest of the zips.
const dir = mkdtempSync(join(tmpdir(), "deploy-stack-test-"));
const templatePath = join(dir, "api.yaml");
const manifestPath = join(dir, "manifest.json");
writeFileSync(templatePath, TEMPLATE);
const AUTHORIZER = {
  entryPoint: "handlers/authorizer/index.ts",
  buildDir: "dist/build/AuthorizerFunction",
  zip: "/nonexistent/authorizer.zip",
  key: "authorizer-function-0123456789abcdef.zip",
  sha256: "ab",
  bytes: 1,
  codeKeyParameter: "AuthorizerCodeKey",
};
writeFileSync(manifestPath, JSON.stringify({ functions: { AuthorizerFunction: AUTHORIZER } }));

function run(confirmAnswer = false, env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const questions: string[] = [];
  const deploy = () =>
    runDeploy({
      env: { STACK_NAME, AWS_REGION: "eu-west-1", ARTIFACT_BUCKET: "demo-artifacts", ...env },
      templatePath,
      manifestPath,
      log: (line: string) => lines.push(line),
      confirm: async (question: string) => {
        questions.push(question);
        return confirmAnswer;
      },
      timing: FAST,
    });
  return { lines, questions, deploy };
}

describe("scripts/deploy/deploy-stack", () => {
  const aws = useAwsMocks({
    s3: S3Client,
    apigateway: APIGatewayClient,
    cloudformation: CloudFormationClient,
    sts: STSClient,
  });
  const fakeCloudFormation = (script: FakeStackScript) => fakeStack(aws.cloudformation, script);
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    aws.s3.on(HeadBucketCommand).resolves({});
    aws.s3.on(HeadObjectCommand).resolves({}); // every zip is already uploaded: no file is read
  });

  it("creates a new stack with a CREATE change set, prints changes and events, then the outputs", async () => {
    const { mock } = fakeCloudFormation({
      changeSet: [
        { Status: "CREATE_PENDING" },
        {
          Status: "CREATE_COMPLETE",
          Changes: [resourceChange("Add", "TokenTable", "AWS::DynamoDB::Table")],
          NextToken: "p2",
        },
      ],
      execution: {
        events: [
          event(STACK_NAME, "CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack", "User Initiated"),
          event("TokenTable", "CREATE_IN_PROGRESS"),
          event("TokenTable", "CREATE_COMPLETE"),
          event(STACK_NAME, "CREATE_COMPLETE", "AWS::CloudFormation::Stack"),
        ],
        finalStatus: "CREATE_COMPLETE",
      },
      outputs: [{ OutputKey: "ApiUrl", OutputValue: "https://abc.execute-api.eu-west-1.amazonaws.com/v1" }],
    });
    const { lines, deploy } = run();
    expect(await deploy()).to.equal("created");

    const create = mock.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(create?.ChangeSetType).to.equal("CREATE");
    expect(create?.Capabilities).to.deep.equal(["CAPABILITY_IAM"]);
    expect(create?.RoleARN).to.equal(undefined); // no CFN_ROLE_ARN: CloudFormation acts as the deployer
    expect(create?.TemplateBody).to.equal(TEMPLATE);
    expect(create?.Parameters).to.deep.include({ ParameterKey: "StageName", ParameterValue: "v1" });
    expect(mock.commandCalls(ExecuteChangeSetCommand)[0]?.args[0].input.ChangeSetName).to.equal(
      CHANGE_SET_ID,
    );
    // Both pages of changes are printed.
    expect(lines.some((line) => /^Add\s+TokenTable\s+AWS::DynamoDB::Table/.test(line))).to.equal(true);
    expect(lines.some((line) => /^Modify\s+Page2Resource/.test(line))).to.equal(true);
    // Four events, in order, and not the REVIEW_IN_PROGRESS event from before the execution.
    const eventLines = lines.filter((line) => /^\d\d:\d\d:\d\d /.test(line));
    expect(eventLines.map((line) => line.split(/\s+/)[1])).to.deep.equal([
      "CREATE_IN_PROGRESS",
      "CREATE_IN_PROGRESS",
      "CREATE_COMPLETE",
      "CREATE_COMPLETE",
    ]);
    expect(lines.join("\n")).to.include(
      "curl -i -X PUT 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/user'",
    );
  });

  it("updates an existing stack with an UPDATE change set", async () => {
    const { mock } = fakeCloudFormation({
      status: "UPDATE_COMPLETE",
      history: [event(STACK_NAME, "UPDATE_COMPLETE", "AWS::CloudFormation::Stack")],
      changeSet: [{ Status: "CREATE_COMPLETE", Changes: [resourceChange("Modify", "AuthorizerFunction")] }],
      execution: {
        events: [event("AuthorizerFunction", "UPDATE_COMPLETE", "AWS::Lambda::Function")],
        finalStatus: "UPDATE_COMPLETE",
      },
    });
    const { lines, deploy } = run();
    expect(await deploy()).to.equal("updated");
    expect(mock.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).to.equal("UPDATE");
    expect(lines.filter((line) => /^\d\d:\d\d:\d\d /.test(line))).to.have.length(1);
    // New code reaches the functions without a new API deployment.
    expect(aws.apigateway.calls()).to.have.length(0);
  });

  it("leaves deploying a changed API to CloudFormation: the change set carries the new Deployment", async () => {
    const { mock } = fakeCloudFormation({
      status: "UPDATE_COMPLETE",
      changeSet: [
        {
          Status: "CREATE_COMPLETE",
          Changes: [
            resourceChange("Modify", "UserGetMethod", "AWS::ApiGateway::Method"),
            resourceChange("Add", "Deployment0123456789", "AWS::ApiGateway::Deployment"),
            resourceChange("Remove", "Deploymentabcdefabcd", "AWS::ApiGateway::Deployment"),
            resourceChange("Modify", "Stage", "AWS::ApiGateway::Stage"),
          ],
        },
      ],
      execution: { events: [], finalStatus: "UPDATE_COMPLETE" },
      outputs: [{ OutputKey: "ApiId", OutputValue: "abc123" }],
    });
    const { lines, deploy } = run();
    expect(await deploy()).to.equal("updated");
    expect(mock.commandCalls(ExecuteChangeSetCommand)).to.have.length(1);
    expect(
      lines.some((line) => /^Add\s+Deployment0123456789\s+AWS::ApiGateway::Deployment/.test(line)),
    ).to.equal(true);
    // No deployment outside the stack: the stage points at the Deployment the stack owns.
    expect(aws.apigateway.calls()).to.have.length(0);
  });

  it("treats an empty change set as success: says so, deletes it and executes nothing", async () => {
    const { mock } = fakeCloudFormation({
      status: "CREATE_COMPLETE",
      changeSet: [
        {
          Status: "FAILED",
          StatusReason:
            "The submitted information didn't contain changes. Submit different information to create a change set.",
        },
      ],
    });
    const { lines, deploy } = run();
    expect(await deploy()).to.equal("no-changes");
    expect(mock.commandCalls(DeleteChangeSetCommand)).to.have.length(1);
    expect(mock.commandCalls(ExecuteChangeSetCommand)).to.have.length(0);
    expect(lines.join("\n")).to.include("No changes: stack demo is up to date");
  });

  it("fails with CloudFormation's reason when the change set fails, and deletes it", async () => {
    const { mock } = fakeCloudFormation({
      status: "CREATE_COMPLETE",
      changeSet: [
        { Status: "FAILED", StatusReason: "Template format error: Unresolved resource dependencies [Nope]" },
      ],
    });
    const { deploy } = run();
    const error = await deploy().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect(error?.message).to.include("Unresolved resource dependencies [Nope]");
    expect(mock.commandCalls(DeleteChangeSetCommand)).to.have.length(1);
    expect(mock.commandCalls(ExecuteChangeSetCommand)).to.have.length(0);
  });

  it("says at once when the change set cannot be read, instead of waiting until the waiter gives up", async () => {
    fakeCloudFormation({ status: "UPDATE_COMPLETE" });
    aws.cloudformation.on(DescribeChangeSetCommand).rejects(awsError("AccessDenied", "not authorized", 403));
    const started = Date.now();
    const error = await run()
      .deploy()
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).to.include("access denied on cloudformation:DescribeChangeSet");
    expect(Date.now() - started).to.be.below(FAST.maxWaitTime * 1000);
  });

  it("fails when the update rolls back, printing the failed resources with their reasons", async () => {
    fakeCloudFormation({
      status: "UPDATE_COMPLETE",
      changeSet: [{ Status: "CREATE_COMPLETE", Changes: [resourceChange("Modify", "UserFunction")] }],
      execution: {
        events: [
          event("UserFunction", "UPDATE_IN_PROGRESS", "AWS::Lambda::Function"),
          event(
            "UserFunction",
            "UPDATE_FAILED",
            "AWS::Lambda::Function",
            "Error occurred while GetObject. S3 Error Code: NoSuchKey",
          ),
          event(STACK_NAME, "UPDATE_ROLLBACK_COMPLETE", "AWS::CloudFormation::Stack"),
        ],
        finalStatus: "UPDATE_ROLLBACK_COMPLETE",
      },
    });
    const { lines, deploy } = run();
    const error = await deploy().then(
      () => undefined,
      (e: unknown) => e as Error & { actual?: string },
    );
    expect(error?.message).to.equal("deploy of stack demo failed");
    expect(error?.actual).to.equal("UPDATE_ROLLBACK_COMPLETE");
    const failure = lines.find((line) => line.startsWith("UserFunction") && line.includes("UPDATE_FAILED"));
    expect(failure).to.include("S3 Error Code: NoSuchKey");
    expect(lines.join("\n")).not.to.include("ROLLBACK_COMPLETE: its first create failed");
  });

  it("explains ROLLBACK_COMPLETE after a failed first create and names the retained tables", async () => {
    fakeCloudFormation({
      // The deployed template retains TokenTable, which the failed create had made.
      template: TEMPLATE,
      physicalIds: { TokenTable: "demo-auth-token" },
      execution: {
        events: [
          event("TokenTable", "CREATE_COMPLETE", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
          event("Api", "CREATE_FAILED", "AWS::ApiGateway::RestApi", "Access denied for apigateway:POST"),
          event("TokenTable", "DELETE_SKIPPED", "AWS::DynamoDB::Table", undefined, "demo-auth-token"),
          event(STACK_NAME, "ROLLBACK_COMPLETE", "AWS::CloudFormation::Stack"),
        ],
        finalStatus: "ROLLBACK_COMPLETE",
      },
    });
    const { lines, deploy } = run();
    const error = await deploy().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal("deploy of stack demo failed");
    const text = lines.join("\n");
    expect(text).to.match(/Api\s+AWS::ApiGateway::RestApi\s+CREATE_FAILED\s+Access denied/);
    expect(text).to.include("Stack demo is in ROLLBACK_COMPLETE");
    expect(text).to.include("make destroy STACK_NAME=demo CONFIRM=yes");
    expect(text).to.include("aws dynamodb delete-table --table-name demo-auth-token");
  });

  it("refuses to deploy over a stack left in ROLLBACK_COMPLETE unless the operator agrees", async () => {
    const { mock } = fakeCloudFormation({
      status: "ROLLBACK_COMPLETE",
      history: [event("Api", "CREATE_FAILED", "AWS::ApiGateway::RestApi", "Internal failure")],
    });
    const { lines, questions, deploy } = run(false);
    const error = await deploy().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal("stack demo is in ROLLBACK_COMPLETE");
    expect(questions).to.have.length(1);
    expect(lines.join("\n")).to.include("Internal failure");
    expect(mock.commandCalls(DeleteStackCommand)).to.have.length(0);
    expect(mock.commandCalls(CreateChangeSetCommand)).to.have.length(0);
  });

  it("deletes a ROLLBACK_COMPLETE stack when the operator agrees, then creates it", async () => {
    const { mock } = fakeCloudFormation({
      status: "ROLLBACK_COMPLETE",
      history: [event("Api", "CREATE_FAILED", "AWS::ApiGateway::RestApi", "Internal failure")],
      execution: {
        events: [event(STACK_NAME, "CREATE_COMPLETE", "AWS::CloudFormation::Stack")],
        finalStatus: "CREATE_COMPLETE",
      },
    });
    const { deploy } = run(true);
    expect(await deploy()).to.equal("created");
    expect(mock.commandCalls(DeleteStackCommand)).to.have.length(1);
    expect(mock.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).to.equal("CREATE");
  });

  it("runs the change set, and the delete of a failed first create, as the service role when given", async () => {
    const { mock } = fakeCloudFormation({
      status: "ROLLBACK_COMPLETE",
      execution: { events: [], finalStatus: "CREATE_COMPLETE" },
    });
    const role = "arn:aws:iam::123456789012:role/CloudFormationDeployer-demo";
    const { deploy } = run(true, { CFN_ROLE_ARN: role });
    expect(await deploy()).to.equal("created");
    expect(mock.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.RoleARN).to.equal(role);
    expect(mock.commandCalls(DeleteStackCommand)[0]?.args[0].input.RoleARN).to.equal(role);
  });

  it("refuses a stack that is busy", async () => {
    fakeCloudFormation({ status: "UPDATE_IN_PROGRESS" });
    const error = await run()
      .deploy()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(ApigwTokenAuthError).with.property("actual", "UPDATE_IN_PROGRESS");
    expect((error as Error).message).to.contain("is busy (UPDATE_IN_PROGRESS)");
  });

  it("uploads a zip only when its content-hashed key is not in the bucket yet", async () => {
    fakeCloudFormation({
      status: "CREATE_COMPLETE",
      changeSet: [{ Status: "FAILED", StatusReason: "No updates are to be performed." }],
    });
    const { lines, deploy } = run();
    await deploy();
    expect(aws.s3.commandCalls(PutObjectCommand)).to.have.length(0);
    expect(lines.join("\n")).to.include(
      "unchanged  s3://demo-artifacts/authorizer-function-0123456789abcdef.zip",
    );
  });

  it("creates the artifact bucket when it is absent", async () => {
    fakeCloudFormation({
      status: "CREATE_COMPLETE",
      changeSet: [{ Status: "FAILED", StatusReason: "No updates are to be performed." }],
    });
    aws.s3.on(HeadBucketCommand).rejects(awsError("NotFound", "", 404));
    const { lines, deploy } = run();
    await deploy();
    expect(lines.join("\n")).to.include("Creating artifact bucket s3://demo-artifacts");
  });
});

describe("scripts/deploy/deploy-stack: the change set for a stack's state", () => {
  const stack = (status: string): Stack => ({
    StackName: "demo",
    StackStatus: status as never,
    CreationTime: new Date(0),
  });

  it("creates a missing stack, creates again over an empty REVIEW_IN_PROGRESS shell, updates a settled one", () => {
    expect(changeSetTypeFor(undefined)).to.equal("CREATE");
    expect(changeSetTypeFor(stack("REVIEW_IN_PROGRESS"))).to.equal("CREATE");
    for (const status of ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"]) {
      expect(changeSetTypeFor(stack(status))).to.equal("UPDATE");
    }
  });

  it("refuses busy and stuck stacks with the way out in the message", () => {
    expect(() => changeSetTypeFor(stack("UPDATE_IN_PROGRESS"))).to.throw(ApigwTokenAuthError, /busy/);
    expect(() => changeSetTypeFor(stack("UPDATE_ROLLBACK_FAILED"))).to.throw(
      ApigwTokenAuthError,
      /continue-update-rollback/,
    );
    expect(() => changeSetTypeFor(stack("DELETE_FAILED"))).to.throw(
      ApigwTokenAuthError,
      /make destroy STACK_NAME=demo/,
    );
  });
});

describe("scripts/deploy/deploy-stack: change set inputs", () => {
  it("passes the values of declared parameters and refuses a value the template would drop", () => {
    const template = parseTemplate("Parameters:\n  StageName: { Type: String }\nResources: {}\n");
    expect(deployParameters(template, { StageName: "v1" })).to.deep.equal([
      { ParameterKey: "StageName", ParameterValue: "v1" },
    ]);
    expect(() => deployParameters(template, { StageName: "v1", UserCodeKey: "k" })).to.throw(
      ApigwTokenAuthError,
      /UserCodeKey/,
    );
  });

  it("asks for CAPABILITY_IAM for IAM resources and CAPABILITY_NAMED_IAM for named ones", () => {
    const none = parseTemplate("Resources:\n  T: { Type: AWS::DynamoDB::Table }\n");
    const unnamed = parseTemplate("Resources:\n  R: { Type: AWS::IAM::Role, Properties: {} }\n");
    const named = parseTemplate("Resources:\n  R: { Type: AWS::IAM::Role, Properties: { RoleName: x } }\n");
    expect(requiredCapabilities(none)).to.deep.equal([]);
    expect(requiredCapabilities(unnamed)).to.deep.equal(["CAPABILITY_IAM"]);
    expect(requiredCapabilities(named)).to.deep.equal(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]);
  });

  it("asks for CAPABILITY_IAM for the project's template, whose roles it creates", () => {
    expect(requiredCapabilities(loadTemplate("cloudformation/api.yaml"))).to.include("CAPABILITY_IAM");
  });
});
