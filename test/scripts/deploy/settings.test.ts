import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  connect,
  createConfirm,
  defaultArtifactBucket,
  describeError,
  readDeploySettings,
  runCommand,
} from "../../../scripts/deploy/settings.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

describe("scripts/deploy/settings", () => {
  it("has a default for everything but the region, which may come from the profile", () => {
    expect(readDeploySettings({})).to.deep.equal({
      stackName: "apigw-token-auth",
      region: undefined,
      artifactBucket: undefined,
      stage: "v1",
      endpoint: undefined,
      cfnRoleArn: undefined,
      parameters: {},
    });
  });

  it("reads the make variables and AWS_ENDPOINT_URL, AWS_REGION before AWS_DEFAULT_REGION", () => {
    const settings = readDeploySettings({
      STACK_NAME: "demo",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-east-1",
      ARTIFACT_BUCKET: "my-bucket",
      STAGE: "prod",
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      CFN_ROLE_ARN: "arn:aws:iam::123456789012:role/CloudFormationDeployer-demo",
      PARAMETERS: " AlarmEmail=ops@example.com  Alarm5xxThreshold=10 ",
    });
    expect(settings).to.deep.equal({
      stackName: "demo",
      region: "eu-west-1",
      artifactBucket: "my-bucket",
      stage: "prod",
      endpoint: "http://127.0.0.1:5000",
      cfnRoleArn: "arn:aws:iam::123456789012:role/CloudFormationDeployer-demo",
      parameters: { AlarmEmail: "ops@example.com", Alarm5xxThreshold: "10" },
    });
    expect(readDeploySettings({ AWS_DEFAULT_REGION: "us-east-1" }).region).to.equal("us-east-1");
  });

  it("refuses names CloudFormation, API Gateway or S3 would refuse", () => {
    expect(() => readDeploySettings({ STACK_NAME: "1demo" })).to.throw(ApigwTokenAuthError, /STACK_NAME/);
    expect(() => readDeploySettings({ STAGE: "v-1" })).to.throw(ApigwTokenAuthError, /STAGE/);
    expect(() => readDeploySettings({ ARTIFACT_BUCKET: "My_Bucket" })).to.throw(/ARTIFACT_BUCKET/);
  });

  it("refuses a CFN_ROLE_ARN that is no role, and PARAMETERS that are not Key=Value or that make deploy sets", () => {
    expect(() => readDeploySettings({ CFN_ROLE_ARN: "CloudFormationDeployer" })).to.throw(
      ApigwTokenAuthError,
      "CFN_ROLE_ARN is not an IAM role ARN",
    );
    expect(() => readDeploySettings({ PARAMETERS: "AlarmEmail" })).to.throw(ApigwTokenAuthError, /Key=Value/);
    expect(() => readDeploySettings({ PARAMETERS: "A=1 A=2" })).to.throw(
      ApigwTokenAuthError,
      /each key once/,
    );
    expect(() => readDeploySettings({ PARAMETERS: "StageName=prod" })).to.throw(
      ApigwTokenAuthError,
      "PARAMETERS may not set StageName: make deploy sets it",
    );
    expect(() => readDeploySettings({ PARAMETERS: "UserCodeKey=x.zip" })).to.throw(/may not set UserCodeKey/);
  });

  it("names the default bucket after stack, account and region, lowercased, within 63 characters", () => {
    expect(defaultArtifactBucket("Demo", "123456789012", "eu-west-1")).to.equal(
      "demo-artifacts-123456789012-eu-west-1",
    );
    expect(() => defaultArtifactBucket("a".repeat(40), "123456789012", "eu-west-1")).to.throw(
      /ARTIFACT_BUCKET or a shorter STACK_NAME/,
    );
  });

  describe("connect", () => {
    const aws = useAwsMocks({ sts: STSClient });

    it("resolves the caller's account and the clients' region, and names the default bucket after them", async () => {
      aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
      const { region, accountId, artifactBucket } = await connect(
        readDeploySettings({ AWS_REGION: "eu-west-1" }),
      );
      expect({ region, accountId, artifactBucket }).to.deep.equal({
        region: "eu-west-1",
        accountId: "123456789012",
        artifactBucket: "apigw-token-auth-artifacts-123456789012-eu-west-1",
      });
    });

    it("turns missing credentials into an error saying how to provide them", async () => {
      aws.sts
        .on(GetCallerIdentityCommand)
        .rejects(awsError("CredentialsProviderError", "Could not load credentials from any providers"));
      const error = await connect(readDeploySettings({ AWS_REGION: "eu-west-1" })).catch((e: unknown) => e);
      expect(error).to.have.property("message").that.contains("no AWS credentials found");
    });
  });

  describe("runCommand: the exit codes of make deploy, destroy and smoke", () => {
    const saved = process.exitCode;
    afterEach(() => {
      process.exitCode = saved;
    });

    it("exits with the command's own code", async () => {
      await runCommand(
        async () => 3,
        () => expect.fail("nothing to print"),
      );
      expect(process.exitCode).to.equal(3);
    });

    it("exits 1 on a failure, printing its message, what was expected and what came", async () => {
      const lines: string[] = [];
      await runCommand(
        () =>
          Promise.reject(
            new ApigwTokenAuthError("stack demo is busy", {
              expected: "a settled stack",
              actual: "UPDATE_IN_PROGRESS",
            }),
          ),
        (line) => lines.push(line),
      );
      expect(process.exitCode).to.equal(1);
      expect(lines).to.deep.equal([
        "error: stack demo is busy",
        "  expected: a settled stack",
        "  actual:   UPDATE_IN_PROGRESS",
      ]);
    });

    it("describes an error it does not know by name and message, and anything else as text", () => {
      expect(describeError(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }))).to.deep.equal([
        "error: Throttling: Rate exceeded",
      ]);
      expect(describeError("boom")).to.deep.equal(["error: boom"]);
      expect(describeError(new ApigwTokenAuthError("bare"))).to.deep.equal(["error: bare"]);
    });
  });

  describe("createConfirm", () => {
    const terminal = (isTTY: boolean) => ({ isTTY }) as NodeJS.ReadStream;
    const output = (written: string[]) =>
      ({ write: (text: string) => written.push(text) }) as unknown as NodeJS.WriteStream;

    it("takes CONFIRM=yes or no as the answer, for CI", async () => {
      expect(await createConfirm({ CONFIRM: "YES" }, terminal(false), output([]))("Delete?")).to.equal(true);
      expect(await createConfirm({ CONFIRM: "y" }, terminal(false), output([]))("Delete?")).to.equal(true);
      expect(await createConfirm({ CONFIRM: "no" }, terminal(true), output([]))("Delete?")).to.equal(false);
    });

    it("answers no without a terminal, saying how to proceed", async () => {
      const written: string[] = [];
      expect(await createConfirm({}, terminal(false), output(written))("Delete stack demo?")).to.equal(false);
      expect(written.join("")).to.contain("set CONFIRM=yes to proceed");
    });
  });
});
