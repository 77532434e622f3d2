/**
 * The artifact bucket and what goes in it: the Lambda zips (and a template too large to send inline)
 * for CloudFormation to read. The bucket is created on first use, versioned, encrypted and private.
 * Objects have content-hashed keys, so an object already there is the same bytes and is skipped:
 * re-deploying unchanged code uploads nothing, and the template's `S3Key` parameters change exactly
 * when the code does.
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
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws, classifyAwsError } from "../../lib/aws/aws-errors.js";

/** Where the bucket is and whose it must be (a guessed name could be someone else's bucket). */
export interface ArtifactBucketTarget {
  bucket: string;
  region: string;
  accountId: string;
}

/** One zip to upload: the manifest entry's fields this module reads. */
export interface ArtifactToUpload {
  /** Path of the zip on disk. */
  zip: string;
  /** S3 key, content-hashed (the zip's file name). */
  key: string;
  /** SHA-256 hex of the zip, stored as object metadata for audits. */
  sha256: string;
}

/** CloudFormation's limit for an inline TemplateBody, in bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * Makes sure the artifact bucket exists and belongs to the deploying account; creates it when absent
 * with versioning, default encryption (SSE-S3 with a bucket key) and every public-access block on.
 * An existing bucket is used as it is: it may be shared and configured by someone else.
 */
export async function ensureArtifactBucket(
  s3: S3Client,
  target: ArtifactBucketTarget,
  log: (line: string) => void,
): Promise<"created" | "existing"> {
  const { bucket, region, accountId } = target;
  const status = await headStatus(
    "s3:ListBucket (HeadBucket)",
    () => s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: accountId })),
    [404, 403, 301],
  );
  if (status === 200) {
    log(`Artifact bucket s3://${bucket} exists`);
    return "existing";
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
  const setup: [string, () => Promise<unknown>][] = [
    ["s3:CreateBucket", () => s3.send(new CreateBucketCommand({ Bucket: bucket, ...location }))],
    [
      "s3:PutPublicAccessBlock",
      () =>
        s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          }),
        ),
    ],
    [
      "s3:PutEncryptionConfiguration",
      () =>
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true },
              ],
            },
          }),
        ),
    ],
    [
      "s3:PutBucketVersioning",
      () =>
        s3.send(
          new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
        ),
    ],
  ];
  for (const [operation, send] of setup) await callAws(operation, send);
  return "created";
}

/**
 * Uploads each artifact whose key is not in the bucket yet; returns the keys it uploaded.
 */
export async function uploadArtifacts(
  s3: S3Client,
  target: { bucket: string; accountId: string },
  artifacts: readonly ArtifactToUpload[],
  log: (line: string) => void,
): Promise<string[]> {
  const uploaded: string[] = [];
  for (const { zip, key, sha256 } of artifacts) {
    const where = `s3://${target.bucket}/${key}`;
    if (await objectExists(s3, target, key)) {
      log(`  unchanged  ${where}`);
      continue;
    }
    const body = await readFile(zip);
    await putObject(s3, target, key, body, "application/zip", { sha256 });
    log(`  uploaded   ${where} (${body.length} bytes)`);
    uploaded.push(key);
  }
  return uploaded;
}

/**
 * How to hand the template to CloudFormation: inline when it fits, otherwise uploaded under a
 * content-hashed key and passed by URL (what `aws cloudformation deploy --s3-bucket` does).
 */
export async function templateSource(
  s3: S3Client,
  target: ArtifactBucketTarget,
  stackName: string,
  templateText: string,
): Promise<{ TemplateBody: string } | { TemplateURL: string }> {
  if (Buffer.byteLength(templateText, "utf8") <= MAX_TEMPLATE_BODY_BYTES)
    return { TemplateBody: templateText };
  const hash = createHash("sha256").update(templateText, "utf8").digest("hex").slice(0, 16);
  const key = `templates/${stackName}-${hash}.yaml`;
  if (!(await objectExists(s3, target, key))) {
    await putObject(s3, target, key, templateText, "application/x-yaml");
  }
  return { TemplateURL: `https://${target.bucket}.s3.${target.region}.amazonaws.com/${key}` };
}

async function putObject(
  s3: S3Client,
  target: { bucket: string; accountId: string },
  key: string,
  body: Buffer | string,
  contentType: string,
  metadata?: Record<string, string>,
): Promise<void> {
  await callAws("s3:PutObject", () =>
    s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ExpectedBucketOwner: target.accountId,
        ...(metadata === undefined ? {} : { Metadata: metadata }),
      }),
    ),
  );
}

async function objectExists(s3: S3Client, target: { bucket: string; accountId: string }, key: string) {
  const status = await headStatus(
    "s3:GetObject (HeadObject)",
    () =>
      s3.send(
        new HeadObjectCommand({ Bucket: target.bucket, Key: key, ExpectedBucketOwner: target.accountId }),
      ),
    [404],
  );
  return status === 200;
}

/**
 * A HEAD request's HTTP status: 200, or one of the `known` failures (404 absent, 403 not ours or
 * denied, 301 other region); anything else is thrown. HEAD responses have no body, so the status is
 * all S3 says; it is read before classifying.
 */
async function headStatus(operation: string, head: () => Promise<unknown>, known: number[]): Promise<number> {
  try {
    await head();
    return 200;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && known.includes(status)) return status;
    throw classifyAwsError(error, operation) ?? error;
  }
}
