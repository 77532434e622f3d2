/**
 * Bundling one function with esbuild: a single minified ESM file per function, the AWS SDK
 * included (the runtime's copy is whatever version the runtime happens to carry; ours is the one we
 * tested), so cold starts load one file instead of resolving hundreds.
 */
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { apiRoutes, formatApiRoutes } from "../cloudformation/api-routes.js";
import { loadTemplate } from "../cloudformation/load-template.js";
import { type FunctionSpec, TEMPLATE_PATH } from "./functions.js";

/** Where bundles go, relative to the repository root: `dist/build/<LogicalId>/index.mjs`. */
export const BUILD_DIR = "dist/build";

/** The bundle's file name; `Handler: index.handler` in the template names it. */
export const BUNDLE_FILE = "index.mjs";

/**
 * Some CommonJS dependencies of the SDK call `require()` for Node built-ins; an ESM bundle has no
 * `require`, so one is made for it.
 */
const REQUIRE_BANNER =
  'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);';

/**
 * A function's bundle directory, relative to the repository root.
 */
export function buildDirOf(logicalId: string, buildDir = BUILD_DIR): string {
  return `${buildDir}/${logicalId}`;
}

/** Where to bundle from and to. */
export interface BundleOptions {
  /** The repository root: entry points are relative to it. Default: the working directory. */
  root?: string;
  /** The directory of bundle directories, relative to `root`. Default: {@link BUILD_DIR}. */
  buildDir?: string;
  /** The template whose API routes are built in (`process.env.API_ROUTES`). Default: the project's. */
  templatePath?: string;
}

/**
 * Bundles `fn.entryPoint` into `<buildDir>/<LogicalId>/index.mjs`, replacing what was there;
 * returns the bundle directory relative to `root`.
 *
 * @example
 * ```ts
 * await bundleFunction({ logicalId: "AuthorizerFunction", entryPoint: "handlers/authorizer/index.ts", codeKeyParameter: "AuthorizerCodeKey" });
 * // "dist/build/AuthorizerFunction"
 * ```
 */
export async function bundleFunction(fn: FunctionSpec, options: BundleOptions = {}): Promise<string> {
  const { root = process.cwd(), buildDir: buildRoot = BUILD_DIR } = options;
  const buildDir = buildDirOf(fn.logicalId, buildRoot);
  const outDir = resolve(root, buildDir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build(bundleBuildOptions(fn, options));
  return buildDir;
}

/**
 * The esbuild options of a function's bundle: what {@link bundleFunction} builds, for callers that
 * keep an esbuild context to rebuild it (watch mode).
 *
 * @example
 * ```ts
 * import { context } from "esbuild";
 *
 * const spec = { logicalId: "UserFunction", entryPoint: "handlers/user/index.ts", codeKeyParameter: "UserCodeKey" };
 * const ctx = await context({ ...bundleBuildOptions(spec), metafile: true });
 * const result = await ctx.rebuild(); // result.metafile.inputs: every source file in the bundle
 * ```
 */
export function bundleBuildOptions(fn: FunctionSpec, options: BundleOptions = {}): BuildOptions {
  const { root = process.cwd(), buildDir: buildRoot = BUILD_DIR } = options;
  const template = loadTemplate(resolve(root, options.templatePath ?? TEMPLATE_PATH));
  return {
    absWorkingDir: root,
    entryPoints: [fn.entryPoint],
    outfile: join(resolve(root, buildDirOf(fn.logicalId, buildRoot)), BUNDLE_FILE),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    // Prefer the SDK's ES module builds: smaller bundles through tree shaking.
    mainFields: ["module", "main"],
    minify: true,
    // Error classes name themselves after their class (TokenStoreError...): Lambda reports that name as
    // errorType and the logs show it, so minification must not rename them.
    keepNames: true,
    legalComments: "none",
    banner: { js: REQUIRE_BANNER },
    // One truth about the routes: the authorizers hold {name} scopes to one segment against these.
    define: { "process.env.API_ROUTES": JSON.stringify(formatApiRoutes(apiRoutes(template))) },
    logLevel: "warning",
  };
}
