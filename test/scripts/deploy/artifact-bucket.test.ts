import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ArtifactBucketError, ensureArtifactBucket } from "../../../scripts/deploy/artifact-bucket.js";
import { awsError } from "./fake-aws.js";

describe("scripts/deploy/artifact-bucket", () => {
  let s3: AwsClientStub<S3Client>;
  // Installed per suite, not at load time: a stub on the prototype would reach every other test file.
  before(() => {
    s3 = mockClient(S3Client);
  });
  after(() => {
    s3.restore();
  });
  const client = new S3Client({ region: "eu-west-1" });
  const target = { bucket: "demo-artifacts", region: "eu-west-1", accountId: "123456789012" };
  const log = () => {};
  beforeEach(() => s3.reset());

  it("uses an existing bucket as it is, checking that the deploying account owns it", async () => {
    s3.on(HeadBucketCommand).resolves({});
    expect(await ensureArtifactBucket(client, target, log)).to.equal("existing");
    expect(s3.commandCalls(HeadBucketCommand)[0]?.args[0].input.ExpectedBucketOwner).to.equal("123456789012");
    expect(s3.commandCalls(CreateBucketCommand)).to.have.length(0);
  });

  it("creates an absent bucket in the stack's region: versioned, encrypted, public access blocked", async () => {
    s3.on(HeadBucketCommand).rejects(awsError("NotFound", "", 404));
    expect(await ensureArtifactBucket(client, target, log)).to.equal("created");
    expect(s3.commandCalls(CreateBucketCommand)[0]?.args[0].input).to.deep.equal({
      Bucket: "demo-artifacts",
      CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
    });
    expect(
      s3.commandCalls(PutBucketVersioningCommand)[0]?.args[0].input.VersioningConfiguration,
    ).to.deep.equal({
      Status: "Enabled",
    });
    const encryption = s3.commandCalls(PutBucketEncryptionCommand)[0]?.args[0].input;
    expect(
      encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
    ).to.deep.equal({
      SSEAlgorithm: "AES256",
    });
    expect(
      s3.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input.PublicAccessBlockConfiguration,
    ).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it("sends no LocationConstraint in us-east-1, which refuses its own name", async () => {
    s3.on(HeadBucketCommand).rejects(awsError("NotFound", "", 404));
    await ensureArtifactBucket(client, { ...target, region: "us-east-1" }, log);
    expect(s3.commandCalls(CreateBucketCommand)[0]?.args[0].input).to.deep.equal({
      Bucket: "demo-artifacts",
    });
  });

  it("refuses a bucket that another account owns (403) and one in another region (301)", async () => {
    s3.on(HeadBucketCommand).rejects(awsError("Forbidden", "", 403));
    const forbidden = await ensureArtifactBucket(client, target, log).catch((e: unknown) => e as Error);
    expect(forbidden).to.be.instanceOf(ArtifactBucketError);
    expect((forbidden as Error).message).to.include("cannot be used");
    s3.on(HeadBucketCommand).rejects(awsError("PermanentRedirect", "", 301));
    const moved = await ensureArtifactBucket(client, target, log).catch((e: unknown) => e as Error);
    expect((moved as Error).message).to.include("in another region");
    expect(s3.commandCalls(CreateBucketCommand)).to.have.length(0);
  });
});
