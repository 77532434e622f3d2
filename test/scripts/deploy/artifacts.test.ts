import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  ensureArtifactBucket,
  MAX_TEMPLATE_BODY_BYTES,
  templateSource,
  uploadArtifacts,
} from "../../../scripts/deploy/artifacts.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

describe("scripts/deploy/artifacts", () => {
  const aws = useAwsMocks({ s3: S3Client });
  const client = new S3Client({ region: "eu-west-1" });
  const target = { bucket: "demo-artifacts", region: "eu-west-1", accountId: "123456789012" };
  const log = () => {};
  const dir = mkdtempSync(join(tmpdir(), "upload-test-"));
  const zip = join(dir, "user-function-0123456789abcdef.zip");
  writeFileSync(zip, "PK fake zip");

  it("uses an existing bucket as it is, checking that the deploying account owns it", async () => {
    aws.s3.on(HeadBucketCommand).resolves({});
    await ensureArtifactBucket(client, target, log);
    expect(aws.s3.commandCalls(HeadBucketCommand)[0]?.args[0].input.ExpectedBucketOwner).to.equal(
      "123456789012",
    );
    expect(aws.s3.commandCalls(CreateBucketCommand)).to.have.length(0);
  });

  it("creates an absent bucket in the stack's region: versioned, encrypted, public access blocked", async () => {
    aws.s3.on(HeadBucketCommand).rejects(awsError("NotFound", "", 404));
    await ensureArtifactBucket(client, target, log);
    expect(aws.s3.commandCalls(CreateBucketCommand)[0]?.args[0].input).to.deep.equal({
      Bucket: "demo-artifacts",
      CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
    });
    expect(
      aws.s3.commandCalls(PutBucketVersioningCommand)[0]?.args[0].input.VersioningConfiguration,
    ).to.deep.equal({
      Status: "Enabled",
    });
    const encryption = aws.s3.commandCalls(PutBucketEncryptionCommand)[0]?.args[0].input;
    expect(
      encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
    ).to.deep.equal({
      SSEAlgorithm: "AES256",
    });
    expect(
      aws.s3.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input.PublicAccessBlockConfiguration,
    ).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it("sends no LocationConstraint in us-east-1, which refuses its own name", async () => {
    aws.s3.on(HeadBucketCommand).rejects(awsError("NotFound", "", 404));
    await ensureArtifactBucket(client, { ...target, region: "us-east-1" }, log);
    expect(aws.s3.commandCalls(CreateBucketCommand)[0]?.args[0].input).to.deep.equal({
      Bucket: "demo-artifacts",
    });
  });

  it("refuses a bucket that another account owns (403) and one in another region (301)", async () => {
    aws.s3.on(HeadBucketCommand).rejects(awsError("Forbidden", "", 403));
    const forbidden = await ensureArtifactBucket(client, target, log).catch((e: unknown) => e as Error);
    expect(forbidden).to.be.instanceOf(ApigwTokenAuthError);
    expect((forbidden as Error).message).to.include("cannot be used");
    aws.s3.on(HeadBucketCommand).rejects(awsError("PermanentRedirect", "", 301));
    const moved = await ensureArtifactBucket(client, target, log).catch((e: unknown) => e as Error);
    expect((moved as Error).message).to.include("in another region");
    expect(aws.s3.commandCalls(CreateBucketCommand)).to.have.length(0);
  });

  it("uploads a zip whose key is absent and skips one that is present", async () => {
    aws.s3.on(HeadObjectCommand, { Key: "present.zip" }).resolves({});
    aws.s3
      .on(HeadObjectCommand, { Key: "user-function-0123456789abcdef.zip" })
      .rejects(awsError("NotFound", "", 404));
    aws.s3.on(PutObjectCommand).resolves({});
    const lines: string[] = [];
    await uploadArtifacts(
      client,
      target,
      [
        { zip: "/nonexistent.zip", key: "present.zip", sha256: "aa" },
        { zip, key: "user-function-0123456789abcdef.zip", sha256: "bb" },
      ],
      (line) => lines.push(line),
    );
    expect(aws.s3.commandCalls(PutObjectCommand)).to.have.length(1);
    const put = aws.s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).to.equal("user-function-0123456789abcdef.zip");
    expect(put?.ExpectedBucketOwner).to.equal("123456789012");
    expect(put?.Metadata).to.deep.equal({ sha256: "bb" });
    expect(Buffer.from(put?.Body as Uint8Array).toString()).to.equal("PK fake zip");
    expect(lines[0]).to.include("unchanged");
  });

  it("passes a HeadObject failure other than 404 on instead of uploading over it", async () => {
    aws.s3.on(HeadObjectCommand).rejects(awsError("InternalError", "boom", 500));
    const error = await uploadArtifacts(
      client,
      target,
      [{ zip, key: "k.zip", sha256: "cc" }],
      () => {},
    ).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.equal("boom");
    expect(aws.s3.commandCalls(PutObjectCommand)).to.have.length(0);
  });

  it("sends a template inline up to 51,200 bytes and by S3 URL above, under a content-hashed key", async () => {
    expect(await templateSource(client, target, "demo", "Resources: {}\n")).to.deep.equal({
      TemplateBody: "Resources: {}\n",
    });
    aws.s3.on(HeadObjectCommand).rejects(awsError("NotFound", "", 404));
    aws.s3.on(PutObjectCommand).resolves({});
    const big = `# ${"x".repeat(MAX_TEMPLATE_BODY_BYTES)}\nResources: {}\n`;
    const source = await templateSource(client, target, "demo", big);
    expect(source)
      .to.have.property("TemplateURL")
      .that.matches(
        /^https:\/\/demo-artifacts\.s3\.eu-west-1\.amazonaws\.com\/templates\/demo-[0-9a-f]{16}\.yaml$/,
      );
    expect(aws.s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).to.equal(big);
  });
});
