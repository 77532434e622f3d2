import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { defaultArtifactBucket, readDeploySettings } from "../../../scripts/deploy/settings.js";

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
});
