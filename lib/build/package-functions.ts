/**
 * `make package`: one deterministic, content-hashed zip per bundled function and the manifest.
 *
 * The zip name carries the first 16 hex digits of its SHA-256, so the S3 key changes exactly when the
 * code does: CloudFormation updates a function only when its code changed, and an old stack version
 * can always be rolled back to because its zip is never overwritten.
 */

import { createHash } from "node:crypto";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { loadTemplate } from "../cloudformation/load-template.js";
import { BUILD_DIR, buildDirOf } from "./bundle.js";
import { kebabCase, listFunctions, TEMPLATE_PATH } from "./functions.js";
import type { Manifest, ManifestFunction } from "./manifest.js";
import { createDeterministicZip, readDirectoryEntries } from "./zip.js";

/** Where zips and the manifest go, relative to the repository root. */
export const DIST_DIR = "dist";

/** Where to package from and to. */
export interface PackageOptions {
  /** The repository root. Default: the working directory. */
  root?: string;
  /** Template path relative to `root`. Default: {@link TEMPLATE_PATH}. */
  templatePath?: string;
  /** Bundle directories' parent, relative to `root`. Default: {@link BUILD_DIR}. */
  buildDir?: string;
  /** Output directory for zips and `manifest.json`, relative to `root`. Default: {@link DIST_DIR}. */
  distDir?: string;
}

/**
 * Zips every function's bundle, removes that function's older zips, and writes `manifest.json`.
 * Throws an ApigwTokenAuthError when a bundle is missing (run `make build`).
 *
 * @example
 * ```ts
 * const manifest = await packageFunctions();
 * manifest.functions.AuthorizerFunction?.key; // "authorizer-function-0123456789abcdef.zip"
 * ```
 */
export async function packageFunctions(options: PackageOptions = {}): Promise<Manifest> {
  const {
    root = process.cwd(),
    templatePath = TEMPLATE_PATH,
    buildDir = BUILD_DIR,
    distDir = DIST_DIR,
  } = options;
  const functions = listFunctions(loadTemplate(join(root, templatePath)));
  await mkdir(join(root, distDir), { recursive: true });
  const manifest: Manifest = { functions: {} };
  for (const fn of functions) {
    const bundleDir = buildDirOf(fn.logicalId, buildDir);
    const entries = await readBundle(join(root, bundleDir), fn.logicalId);
    const zip = await createDeterministicZip(entries);
    const sha256 = createHash("sha256").update(zip).digest("hex");
    const stem = kebabCase(fn.logicalId);
    const key = `${stem}-${sha256.slice(0, 16)}.zip`;
    await removeStaleZips(join(root, distDir), stem, key);
    await writeFile(join(root, distDir, key), zip);
    const entry: ManifestFunction = {
      entryPoint: fn.entryPoint,
      buildDir: bundleDir,
      zip: `${distDir}/${key}`,
      key,
      sha256,
      bytes: zip.length,
      codeKeyParameter: fn.codeKeyParameter,
    };
    manifest.functions[fn.logicalId] = entry;
  }
  await writeFile(join(root, distDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function readBundle(dir: string, logicalId: string) {
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const entries = exists ? await readDirectoryEntries(dir) : [];
  if (entries.length === 0) {
    throw new ApigwTokenAuthError(`${logicalId}: no bundle in ${dir}: run \`make build\` first`, {
      expected: "the bundle written by make build",
      actual: exists ? "an empty directory" : "no directory",
    });
  }
  return entries;
}

async function removeStaleZips(dir: string, stem: string, keep: string): Promise<void> {
  const stale = new RegExp(`^${stem}-[0-9a-f]{16}\\.zip$`);
  for (const name of await readdir(dir)) {
    if (name !== keep && stale.test(name)) await rm(join(dir, name));
  }
}
