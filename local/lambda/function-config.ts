/**
 * What the local runtime needs to run one `AWS::Lambda::Function` of a resolved stack: where its
 * handler is, its Timeout and MemorySize, and the environment its container gets.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { ResolvedResource, ResolvedStack } from "../cloudformation/resolved-stack.js";
import { runtimeVerdict } from "./runtime-lifecycle.js";

/** The part of `dist/manifest.json` the runtime reads: which build directory holds each S3 key. */
export interface CodeManifest {
  functions: Record<string, { key: string; buildDir: string }>;
}

/** A function ready to be started in a worker. */
export interface FunctionConfig {
  logicalId: string;
  functionName: string;
  functionArn: string;
  runtime: string;
  /** Absolute path of the handler module. */
  modulePath: string;
  /** The export to call (`handler`). */
  exportPath: string;
  timeoutMs: number;
  memoryMb: number;
  /** The template's Environment.Variables. */
  environment: Record<string, string>;
  logGroupName: string;
}

/** Where the runtime finds code: the manifest (for S3 code) and a directory for inline code. */
export interface CodeSources {
  /** `dist/manifest.json` as read, or undefined when there is no build. */
  manifest: CodeManifest | undefined;
  /** The directory `buildDir` entries are relative to (the project root). */
  rootDir: string;
  /** Where `Code.ZipFile` sources are written (a fresh temporary directory). */
  inlineDir: string;
}

const MISSING_BUILD = "run `make package` to build the functions";

/** Lambda's defaults when the template does not say. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

/**
 * Reads a resolved `AWS::Lambda::Function` into a {@link FunctionConfig}, locating its code: S3
 * code through the package manifest (`Code.S3Key` → the entry with that `key` → its `buildDir`),
 * inline `Code.ZipFile` written to `inlineDir/<LogicalId>/index.js` (CommonJS, as Lambda does).
 * Throws an ApigwTokenAuthError naming the function and the fix, also for a runtime AWS no longer
 * lets you create functions with on `today` (`YYYY-MM-DD`, runtime-lifecycle.ts).
 */
export function readFunctionConfig(
  stack: ResolvedStack,
  logicalId: string,
  sources: CodeSources,
  today = new Date().toISOString().slice(0, 10),
): FunctionConfig {
  const resource = stack.resources[logicalId] as ResolvedResource;
  const properties = resource.properties;
  const where = `Resources.${logicalId}.Properties`;
  const runtime = String(properties.Runtime ?? "");
  const verdict = runtimeVerdict(runtime, today);
  if (verdict.kind === "refuse") {
    throw new ApigwTokenAuthError(`${where}.Runtime: ${logicalId}: ${verdict.message}`, {
      expected: "Runtime: nodejs22.x or nodejs24.x",
      actual: runtime,
    });
  }
  if (properties.PackageType === "Image" || !/^nodejs\d+\.x$/.test(runtime)) {
    throw new ApigwTokenAuthError(
      `${where}.Runtime: ${logicalId} uses ${properties.PackageType === "Image" ? "a container image" : runtime || "no runtime"}; the local run only runs nodejs*.x functions`,
      {
        expected: "Runtime: nodejs22.x (or another nodejs*.x)",
        actual: runtime || String(properties.PackageType),
      },
    );
  }
  const handler = String(properties.Handler ?? "");
  const match = /^(.*?)([^/]+?)\.([^/]+)$/.exec(handler);
  if (!match) {
    throw new ApigwTokenAuthError(`${where}.Handler: ${JSON.stringify(handler)} is not <file>.<export>`, {
      expected: "a handler such as index.handler",
      actual: JSON.stringify(handler),
    });
  }
  const [, directory, file, exportPath] = match as unknown as [string, string, string, string];
  const codeDir = codeDirectory(logicalId, properties.Code, sources);
  if (codeDir.startsWith(sources.inlineDir) && `${directory}${file}` !== "index") {
    throw new ApigwTokenAuthError(
      `${where}.Handler: inline code (Code.ZipFile) is index.js, so the handler is index.<export>`,
      {
        expected: "index.<export>",
        actual: JSON.stringify(handler),
      },
    );
  }
  const modulePath = findModule(join(codeDir, directory, file), logicalId);
  const environment =
    (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const loggingGroup = (properties.LoggingConfig as { LogGroup?: string } | undefined)?.LogGroup;
  return {
    logicalId,
    functionName: resource.physicalId,
    functionArn: resource.attributes.Arn as string,
    runtime,
    modulePath,
    exportPath,
    timeoutMs: Number(properties.Timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    memoryMb: Number(properties.MemorySize ?? DEFAULT_MEMORY_MB),
    environment: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)])),
    logGroupName: loggingGroup ?? `/aws/lambda/${resource.physicalId}`,
  };
}

function codeDirectory(logicalId: string, code: unknown, sources: CodeSources): string {
  const where = `Resources.${logicalId}.Properties.Code`;
  const { ZipFile, S3Key, S3Bucket } = (code ?? {}) as Record<string, unknown>;
  if (typeof ZipFile === "string") {
    const dir = join(sources.inlineDir, logicalId);
    mkdirSync(dir, { recursive: true });
    // Inline code is CommonJS `index.js` on Lambda; the package.json keeps a parent's "type" away.
    writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}\n');
    writeFileSync(join(dir, "index.js"), ZipFile);
    provideAwsSdk(sources.inlineDir);
    return dir;
  }
  if (typeof S3Key !== "string") {
    throw new ApigwTokenAuthError(`${where}: ${logicalId} has neither S3Key nor ZipFile`, {
      expected: "Code: {S3Bucket, S3Key} (from make package) or Code: {ZipFile}",
      actual: JSON.stringify(code)?.slice(0, 200) ?? "none",
    });
  }
  if (!sources.manifest) {
    throw new ApigwTokenAuthError(
      `no build found for ${logicalId} (no dist/manifest.json): ${MISSING_BUILD}`,
      {
        expected: "dist/manifest.json",
        actual: "missing",
      },
    );
  }
  const entry = Object.values(sources.manifest.functions).find((candidate) => candidate.key === S3Key);
  if (!entry) {
    throw new ApigwTokenAuthError(
      `${where}.S3Key: s3://${String(S3Bucket)}/${S3Key} of ${logicalId} is not in dist/manifest.json: ${MISSING_BUILD}`,
      { expected: "a key listed in dist/manifest.json", actual: S3Key },
    );
  }
  const dir = resolve(sources.rootDir, entry.buildDir);
  if (!existsSync(dir)) {
    throw new ApigwTokenAuthError(
      `build directory ${entry.buildDir} of ${logicalId} is missing: ${MISSING_BUILD}`,
      {
        expected: `${entry.buildDir}/`,
        actual: "missing",
      },
    );
  }
  return dir;
}

/**
 * The Lambda Node.js runtimes (18 and later) bring the AWS SDK v3: inline code may `require` or
 * `import` any `@aws-sdk/*` package without bundling it. Locally the project's own copy stands in,
 * linked as `node_modules/@aws-sdk` beside the inline functions — only that scope, as on Lambda,
 * not the project's other dependencies. (Only the clients the project installs exist here.)
 */
function provideAwsSdk(inlineDir: string): void {
  const link = join(inlineDir, "node_modules", "@aws-sdk");
  if (existsSync(link)) return;
  const sdk = dirname(
    dirname(createRequire(import.meta.url).resolve("@aws-sdk/client-dynamodb/package.json")),
  );
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(sdk, link, "dir");
}

/** Lambda's Node.js runtime tries `.js`, `.mjs` then `.cjs`. */
function findModule(base: string, logicalId: string): string {
  for (const extension of [".js", ".mjs", ".cjs"]) {
    if (existsSync(base + extension)) return base + extension;
  }
  throw new ApigwTokenAuthError(
    `handler module ${base}.{js,mjs,cjs} of ${logicalId} is missing: ${MISSING_BUILD}`,
    {
      expected: `${base}.mjs`,
      actual: "missing",
    },
  );
}
