/**
 * Uploading the packaged function zips (and, when it is too large to send inline, the template) to
 * the artifact bucket under content-hashed keys. A key names its content, so an object already
 * there is the same bytes and is skipped: re-deploying unchanged code uploads nothing, and the
 * template's `S3Key` parameters change exactly when the code does.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { callAws, classifyAwsError } from "../../lib/aws/aws-errors.js";

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
 * Uploads each artifact whose key is not in the bucket yet; returns the keys it uploaded.
 *
 * @example
 * ```ts
 * const uploaded = await uploadArtifacts(s3, { bucket, accountId }, Object.values(manifest.functions), console.log);
 * ```
 */
export async function uploadArtifacts(
  s3: S3Client,
  target: { bucket: string; accountId: string },
  artifacts: readonly ArtifactToUpload[],
  log: (line: string) => void,
): Promise<string[]> {
  const uploaded: string[] = [];
  for (const artifact of artifacts) {
    const where = `s3://${target.bucket}/${artifact.key}`;
    if (await objectExists(s3, target, artifact.key)) {
      log(`  unchanged  ${where}`);
      continue;
    }
    const body = await readFile(artifact.zip);
    await callAws("s3:PutObject", () =>
      s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: artifact.key,
          Body: body,
          ContentType: "application/zip",
          ExpectedBucketOwner: target.accountId,
          Metadata: { sha256: artifact.sha256 },
        }),
      ),
    );
    log(`  uploaded   ${where} (${body.length} bytes)`);
    uploaded.push(artifact.key);
  }
  return uploaded;
}

/**
 * How to hand the template to CloudFormation: inline when it fits, otherwise uploaded under a
 * content-hashed key and passed by URL (what `aws cloudformation deploy --s3-bucket` does).
 *
 * @example
 * ```ts
 * const source = await templateSource(s3, { bucket, accountId, region }, stackName, text);
 * // { TemplateBody: "..." } or { TemplateURL: "https://bucket.s3.eu-west-1.amazonaws.com/templates/..." }
 * ```
 */
export async function templateSource(
  s3: S3Client,
  target: { bucket: string; accountId: string; region: string },
  stackName: string,
  templateText: string,
): Promise<{ TemplateBody: string } | { TemplateURL: string }> {
  if (Buffer.byteLength(templateText, "utf8") <= MAX_TEMPLATE_BODY_BYTES)
    return { TemplateBody: templateText };
  const hash = createHash("sha256").update(templateText, "utf8").digest("hex").slice(0, 16);
  const key = `templates/${stackName}-${hash}.yaml`;
  if (!(await objectExists(s3, target, key))) {
    await callAws("s3:PutObject", () =>
      s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: templateText,
          ContentType: "application/x-yaml",
          ExpectedBucketOwner: target.accountId,
        }),
      ),
    );
  }
  return { TemplateURL: `https://${target.bucket}.s3.${target.region}.amazonaws.com/${key}` };
}

async function objectExists(
  s3: S3Client,
  target: { bucket: string; accountId: string },
  key: string,
): Promise<boolean> {
  try {
    await s3.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: key, ExpectedBucketOwner: target.accountId }),
    );
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw classifyAwsError(error, "s3:GetObject (HeadObject)") ?? error;
  }
}
