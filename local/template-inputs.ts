/**
 * What the local run feeds the template that `make deploy` would: the build manifest (when some
 * function's code is in S3) and the parameter values deploy sets (code keys, the artifact bucket).
 */
import { existsSync } from "node:fs";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";
import { codeKeyParameterOverrides, type Manifest, readManifest } from "../lib/build/manifest.js";
import type { CloudFormationTemplate } from "../lib/cloudformation/load-template.js";

/** The bucket name given to a function's `Code.S3Bucket` parameter when the template has no default. */
export const LOCAL_ARTIFACT_BUCKET = "local-artifacts";

/**
 * The manifest, when some function's code is in S3 (else undefined); a missing build says `make package`.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "../lib/cloudformation/load-template.js";
 *
 * const manifest = loadManifestIfNeeded(loadTemplate("cloudformation/api.yaml"), "dist/manifest.json");
 * ```
 */
export function loadManifestIfNeeded(
  template: CloudFormationTemplate,
  manifestPath: string,
): Manifest | undefined {
  const needsBuild = Object.values(template.Resources).some(
    (resource) =>
      resource.Type === "AWS::Lambda::Function" &&
      (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key !== undefined,
  );
  if (!needsBuild) return undefined;
  if (!existsSync(manifestPath)) {
    throw new ApigwTokenAuthError(`the functions are not built (no ${manifestPath}): run \`make package\``, {
      expected: manifestPath,
      actual: "missing",
    });
  }
  return readManifest(manifestPath);
}

/**
 * Values for the parameters `make deploy` would set: each function's code key from the manifest and
 * (when the template has no default) a bucket name for its `Code.S3Bucket`, which the local run
 * never reads.
 */
export function localParameterDefaults(
  template: CloudFormationTemplate,
  manifest: Manifest | undefined,
): Record<string, string> {
  const values: Record<string, string> = manifest ? codeKeyParameterOverrides(manifest) : {};
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== "AWS::Lambda::Function") continue;
    const bucket = (resource.Properties?.Code as { S3Bucket?: { Ref?: unknown } } | undefined)?.S3Bucket?.Ref;
    if (typeof bucket === "string" && template.Parameters?.[bucket]?.Default === undefined) {
      values[bucket] = LOCAL_ARTIFACT_BUCKET;
    }
  }
  // Only parameters the template declares: a manifest from another template must not break resolution.
  return Object.fromEntries(
    Object.entries(values).filter(([name]) => template.Parameters?.[name] !== undefined),
  );
}
