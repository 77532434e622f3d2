import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import {
  MAX_TEMPLATE_BODY_BYTES,
  templateSource,
  uploadArtifacts,
} from "../../../scripts/deploy/upload-artifacts.js";
import { awsError } from "./fake-aws.js";

describe("scripts/deploy/upload-artifacts", () => {
  let s3: AwsClientStub<S3Client>;
  // Installed per suite, not at load time: a stub on the prototype would reach every other test file.
  before(() => {
    s3 = mockClient(S3Client);
  });
  after(() => {
    s3.restore();
  });
  const client = new S3Client({ region: "eu-west-1" });
  const target = { bucket: "demo-artifacts", accountId: "123456789012", region: "eu-west-1" };
  const dir = mkdtempSync(join(tmpdir(), "upload-test-"));
  const zip = join(dir, "user-function-0123456789abcdef.zip");
  writeFileSync(zip, "PK fake zip");
  beforeEach(() => s3.reset());

  it("uploads a zip whose key is absent and skips one that is present", async () => {
    s3.on(HeadObjectCommand, { Key: "present.zip" }).resolves({});
    s3.on(HeadObjectCommand, { Key: "user-function-0123456789abcdef.zip" }).rejects(
      awsError("NotFound", "", 404),
    );
    s3.on(PutObjectCommand).resolves({});
    const lines: string[] = [];
    const uploaded = await uploadArtifacts(
      client,
      target,
      [
        { zip: "/nonexistent.zip", key: "present.zip", sha256: "aa" },
        { zip, key: "user-function-0123456789abcdef.zip", sha256: "bb" },
      ],
      (line) => lines.push(line),
    );
    expect(uploaded).to.deep.equal(["user-function-0123456789abcdef.zip"]);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).to.equal("user-function-0123456789abcdef.zip");
    expect(put?.ExpectedBucketOwner).to.equal("123456789012");
    expect(put?.Metadata).to.deep.equal({ sha256: "bb" });
    expect(Buffer.from(put?.Body as Uint8Array).toString()).to.equal("PK fake zip");
    expect(lines[0]).to.include("unchanged");
  });

  it("passes a HeadObject failure other than 404 on instead of uploading over it", async () => {
    s3.on(HeadObjectCommand).rejects(awsError("InternalError", "boom", 500));
    const error = await uploadArtifacts(
      client,
      target,
      [{ zip, key: "k.zip", sha256: "cc" }],
      () => {},
    ).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.equal("boom");
    expect(s3.commandCalls(PutObjectCommand)).to.have.length(0);
  });

  it("sends a template inline up to 51,200 bytes and by S3 URL above, under a content-hashed key", async () => {
    expect(await templateSource(client, target, "demo", "Resources: {}\n")).to.deep.equal({
      TemplateBody: "Resources: {}\n",
    });
    s3.on(HeadObjectCommand).rejects(awsError("NotFound", "", 404));
    s3.on(PutObjectCommand).resolves({});
    const big = `# ${"x".repeat(MAX_TEMPLATE_BODY_BYTES)}\nResources: {}\n`;
    const source = await templateSource(client, target, "demo", big);
    expect(source)
      .to.have.property("TemplateURL")
      .that.matches(
        /^https:\/\/demo-artifacts\.s3\.eu-west-1\.amazonaws\.com\/templates\/demo-[0-9a-f]{16}\.yaml$/,
      );
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).to.equal(big);
  });
});
