/**
 * The artifact bucket (created on first use: versioned, encrypted, private) and the Lambda zips (and a
 * template too large to send inline) in it. Keys are content-hashed, so a key already there holds the
 * same bytes and is skipped: unchanged code uploads nothing, and `S3Key` parameters change with the code.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws, classifyAwsError } from "../../lib/aws/aws-errors.js";
import type { ManifestFunction } from "../../lib/build/manifest.js";

/** Where the bucket is and whose it must be (a guessed name could be someone else's bucket). */
interface ArtifactBucket {
  bucket: string;
  region: string;
  accountId: string;
}

/** CloudFormation's limit for an inline TemplateBody, in bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * Makes sure the bucket exists and is the deploying account's; creates it when absent, with versioning,
 * SSE-S3 (with a bucket key) and every public-access block. An existing bucket is used as it is: it may
 * be shared and configured by someone else.
 */
export async function ensureArtifactBucket(
  s3: S3Client,
  { bucket, region, accountId }: ArtifactBucket,
  log: (line: string) => void,
): Promise<void> {
  const status = await headStatus("s3:ListBucket (HeadBucket)", [404, 403, 301], () =>
    s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: accountId })),
  );
  if (status === 200) {
    log(`Artifact bucket s3://${bucket} exists`);
    return;
  }
  if (status === 403) {
    throw new ApigwTokenAuthError(`artifact bucket ${bucket} exists but cannot be used`, {
      expected: `a bucket owned by account ${accountId} that the deployer may read and write`,
      actual: "403 Forbidden: another account owns it, or s3:ListBucket is denied; set ARTIFACT_BUCKET",
    });
  }
  if (status === 301) {
    throw new ApigwTokenAuthError(`artifact bucket ${bucket} is in another region`, {
      expected: `a bucket in ${region}, the stack's region (Lambda reads code from its own region)`,
      actual: "301 Moved Permanently; set ARTIFACT_BUCKET to a bucket in this region",
    });
  }
  log(`Creating artifact bucket s3://${bucket} (versioned, encrypted, public access blocked)`);
  // us-east-1 is the one region that refuses its own name as a LocationConstraint.
  const location =
    region === "us-east-1"
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  const Bucket = bucket;
  // One call at a time: each configures the bucket the previous one created.
  await callAws("s3:CreateBucket", () => s3.send(new CreateBucketCommand({ Bucket, ...location })));
  const PublicAccessBlockConfiguration = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  await callAws("s3:PutPublicAccessBlock", () =>
    s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration })),
  );
  const ServerSideEncryptionConfiguration = {
    Rules: [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" as const }, BucketKeyEnabled: true },
    ],
  };
  await callAws("s3:PutEncryptionConfiguration", () =>
    s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration })),
  );
  await callAws("s3:PutBucketVersioning", () =>
    s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } })),
  );
}

/** Uploads each zip whose key is not in the bucket yet, with its SHA-256 as metadata (for audits). */
export async function uploadArtifacts(
  s3: S3Client,
  target: ArtifactBucket,
  artifacts: readonly Pick<ManifestFunction, "zip" | "key" | "sha256">[],
  log: (line: string) => void,
): Promise<void> {
  for (const { zip, key, sha256 } of artifacts) {
    const where = `s3://${target.bucket}/${key}`;
    const size = await putIfAbsent(s3, target, key, async () => ({
      Body: await readFile(zip),
      ContentType: "application/zip",
      Metadata: { sha256 },
    }));
    log(size === undefined ? `  unchanged  ${where}` : `  uploaded   ${where} (${size} bytes)`);
  }
}

/** The template inline when it fits, else uploaded and passed by URL (as `aws cloudformation deploy`). */
export async function templateSource(
  s3: S3Client,
  target: ArtifactBucket,
  stackName: string,
  templateText: string,
): Promise<{ TemplateBody: string } | { TemplateURL: string }> {
  if (Buffer.byteLength(templateText, "utf8") <= MAX_TEMPLATE_BODY_BYTES)
    return { TemplateBody: templateText };
  const hash = createHash("sha256").update(templateText, "utf8").digest("hex").slice(0, 16);
  const key = `templates/${stackName}-${hash}.yaml`;
  await putIfAbsent(s3, target, key, async () => ({ Body: templateText, ContentType: "application/x-yaml" }));
  return { TemplateURL: `https://${target.bucket}.s3.${target.region}.amazonaws.com/${key}` };
}

/** Uploads what `read` gives unless `key` is there already; returns the size uploaded, if any. */
async function putIfAbsent(
  s3: S3Client,
  { bucket, accountId }: ArtifactBucket,
  key: string,
  read: () => Promise<Pick<PutObjectCommandInput, "ContentType" | "Metadata"> & { Body: Buffer | string }>,
): Promise<number | undefined> {
  const object = { Bucket: bucket, Key: key, ExpectedBucketOwner: accountId };
  const status = await headStatus("s3:GetObject (HeadObject)", [404], () =>
    s3.send(new HeadObjectCommand(object)),
  );
  if (status === 200) return undefined;
  const content = await read();
  await callAws("s3:PutObject", () => s3.send(new PutObjectCommand({ ...object, ...content })));
  return content.Body.length;
}

/**
 * A HEAD request's status: 200, or one of the `known` failures (404 absent, 403 not ours or denied, 301
 * other region), read before classifying since a HEAD response has no body; anything else is thrown.
 */
async function headStatus(operation: string, known: number[], head: () => Promise<unknown>): Promise<number> {
  try {
    await head();
    return 200;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && known.includes(status)) return status;
    throw classifyAwsError(error, operation) ?? error;
  }
}
