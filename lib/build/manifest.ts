/**
 * `dist/manifest.json`: what `make package` produced, read by `make deploy` (which uploads the zips
 * and sets the code-key parameters) and by the local gateway (which maps a function's resolved
 * `Code.S3Key` back to its bundle directory).
 *
 * ```json
 * { "functions": { "AuthorizerFunction": {
 *     "entryPoint": "handlers/authorizer/index.ts", "buildDir": "dist/build/AuthorizerFunction",
 *     "zip": "dist/authorizer-function-0123456789abcdef.zip", "key": "authorizer-function-0123456789abcdef.zip",
 *     "sha256": "<64 hex>", "bytes": 123456, "codeKeyParameter": "AuthorizerCodeKey" } } }
 * ```
 * Paths are relative to the repository root.
 */
import { readFileSync } from "node:fs";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/** The manifest's path, relative to the repository root. */
export const MANIFEST_PATH = "dist/manifest.json";

/** One packaged function. */
export interface ManifestFunction {
  /** Its source entry point (the template's `Metadata.BuildEntryPoint`). */
  entryPoint: string;
  /** Its bundle directory (what the zip holds). */
  buildDir: string;
  /** The zip's path. */
  zip: string;
  /** The S3 key to upload the zip to: its file name, content-hashed. */
  key: string;
  /** SHA-256 hex digest of the zip. */
  sha256: string;
  /** The zip's size in bytes. */
  bytes: number;
  /** The template parameter the function's `Code.S3Key` refs. */
  codeKeyParameter: string;
}

/** The manifest: packaged functions by logical id. */
export interface Manifest {
  functions: Record<string, ManifestFunction>;
}

const STRING_FIELDS = ["entryPoint", "buildDir", "zip", "key", "sha256", "codeKeyParameter"] as const;

/**
 * Reads and checks the manifest; throws an ApigwTokenAuthError (with a "run make package" hint when
 * the file is missing).
 *
 * @example
 * ```ts
 * const manifest = readManifest();
 * manifest.functions.AuthorizerFunction?.buildDir; // "dist/build/AuthorizerFunction"
 * ```
 */
export function readManifest(path: string = MANIFEST_PATH): Manifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ApigwTokenAuthError(`cannot read ${path}: run \`make package\` first`, {
      expected: "the manifest written by make package",
      actual: (cause as NodeJS.ErrnoException).code ?? "unreadable",
      cause,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new ApigwTokenAuthError(`${path} is not JSON: run \`make package\` again`, { cause });
  }
  return parseManifest(document, path);
}

/**
 * Checks a parsed manifest document and returns it typed.
 */
export function parseManifest(document: unknown, source = "manifest"): Manifest {
  const functions = (document as { functions?: unknown } | null)?.functions;
  if (typeof functions !== "object" || functions === null || Array.isArray(functions)) {
    throw new ApigwTokenAuthError(`${source}: "functions" must be an object`, {
      expected: '{ "functions": { "<LogicalId>": {...} } }',
      actual: functions === null ? "null" : Array.isArray(functions) ? "an array" : typeof functions,
    });
  }
  for (const [logicalId, fn] of Object.entries(functions)) {
    const entry = (fn ?? {}) as Record<string, unknown>;
    for (const field of STRING_FIELDS) {
      if (typeof entry[field] !== "string" || entry[field] === "") {
        throw new ApigwTokenAuthError(
          `${source}: functions.${logicalId}.${field} must be a non-empty string`,
          {
            actual: typeof entry[field],
          },
        );
      }
    }
    if (!Number.isSafeInteger(entry.bytes) || (entry.bytes as number) <= 0) {
      throw new ApigwTokenAuthError(`${source}: functions.${logicalId}.bytes must be a positive integer`, {
        actual: String(entry.bytes),
      });
    }
  }
  return document as Manifest;
}

/**
 * The template parameter values that point each function at its packaged zip.
 */
export function codeKeyParameterOverrides(manifest: Manifest): Record<string, string> {
  return Object.fromEntries(Object.values(manifest.functions).map((fn) => [fn.codeKeyParameter, fn.key]));
}
