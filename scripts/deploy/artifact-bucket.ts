/**
 * The artifact bucket: where `make deploy` puts the Lambda zips (and a template too large to send
 * inline) for CloudFormation to read. Created on first use, versioned, encrypted, private.
 */
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws, classifyAwsError } from "../../lib/aws/aws-errors.js";

/** The artifact bucket exists but cannot be used. */
export class ArtifactBucketError extends ApigwTokenAuthError {}

/** Where the bucket is and whose it must be. */
export interface ArtifactBucketTarget {
  bucket: string;
  region: string;
  /** The deploying account: the bucket must belong to it (a guessed name could be someone else's). */
  accountId: string;
}

/**
 * Makes sure the artifact bucket exists and belongs to the deploying account; creates it when absent
 * with versioning, default encryption (SSE-S3 with a bucket key) and every public-access block on.
 * An existing bucket is used as it is: it may be shared and configured by someone else.
 *
 * @example
 * ```ts
 * await ensureArtifactBucket(s3, { bucket, region: "eu-west-1", accountId }, console.log); // "created" | "existing"
 * ```
 */
export async function ensureArtifactBucket(
  s3: S3Client,
  target: ArtifactBucketTarget,
  log: (line: string) => void,
): Promise<"created" | "existing"> {
  const { bucket, region, accountId } = target;
  const status = await headBucketStatus(s3, bucket, accountId);
  if (status === 200) {
    log(`Artifact bucket s3://${bucket} exists`);
    return "existing";
  }
  if (status === 403) {
    throw new ArtifactBucketError(`artifact bucket ${bucket} exists but cannot be used`, {
      expected: `a bucket owned by account ${accountId} that the deployer may read and write`,
      actual: "403 Forbidden: another account owns it, or s3:ListBucket is denied; set ARTIFACT_BUCKET",
    });
  }
  if (status === 301) {
    throw new ArtifactBucketError(`artifact bucket ${bucket} is in another region`, {
      expected: `a bucket in ${region}, the stack's region (Lambda reads code from its own region)`,
      actual: "301 Moved Permanently; set ARTIFACT_BUCKET to a bucket in this region",
    });
  }
  log(`Creating artifact bucket s3://${bucket} (versioned, encrypted, public access blocked)`);
  await callAws("s3:CreateBucket", () =>
    s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that refuses its own name as a LocationConstraint.
        ...(region === "us-east-1"
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    ),
  );
  await callAws("s3:PutPublicAccessBlock", () =>
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
  );
  await callAws("s3:PutEncryptionConfiguration", () =>
    s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true }],
        },
      }),
    ),
  );
  await callAws("s3:PutBucketVersioning", () =>
    s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
    ),
  );
  return "created";
}

/** HeadBucket's HTTP status: 200, 404 (absent), 403 (not ours / denied) or 301 (other region). */
async function headBucketStatus(s3: S3Client, bucket: string, accountId: string): Promise<number> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: accountId }));
    return 200;
  } catch (error) {
    // HEAD responses have no body, so the status is all S3 says; read it before classifying.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || status === 403 || status === 301) return status;
    throw classifyAwsError(error, "s3:ListBucket (HeadBucket)") ?? error;
  }
}
