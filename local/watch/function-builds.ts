/**
 * Watch mode's builds: one esbuild context per function of the template, kept so that a rebuild is
 * incremental, with each bundle's inputs (esbuild's metafile) to tell which functions a changed
 * source file belongs to.
 *
 * Bundles go where `make build` puts them, unminified (faster to rebuild; `make package` builds the
 * deployable ones) (`dist/build/<LogicalId>/index.mjs`) and are replaced
 * atomically (written beside, then renamed), so a worker starting during a rebuild loads either the
 * old bundle or the new one, never half a file.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { type BuildContext, context } from "esbuild";
import { BUILD_DIR, buildDirOf, bundleBuildOptions } from "../../lib/build/bundle.js";
import type { FunctionSpec } from "../../lib/build/functions.js";
import type { Manifest } from "../../lib/build/manifest.js";

/** The builds of every function of the template. */
export interface FunctionBuilds {
  /**
   * Starts a build context for each function not yet known and builds it, and drops the functions
   * the list no longer has; returns the manifest of the bundles (code keys for the template).
   */
  sync(functions: FunctionSpec[]): Promise<Manifest>;
  /** Rebuilds a function's bundle; rejects with esbuild's errors, keeping the previous bundle. */
  rebuild(logicalId: string): Promise<void>;
  /** The functions whose bundle includes this file (absolute path). */
  functionsUsing(path: string): string[];
  /** Every source file in some bundle outside node_modules (absolute paths). */
  sourceFiles(): string[];
  /** Stops the esbuild contexts. */
  dispose(): Promise<void>;
}

interface Build {
  spec: FunctionSpec;
  context: BuildContext<{ metafile: true; write: false }>;
  inputs: Set<string>;
}

/**
 * @example
 * ```ts
 * import { listFunctions, TEMPLATE_PATH } from "../../lib/build/functions.js";
 * import { loadTemplate } from "../../lib/cloudformation/load-template.js";
 *
 * const builds = createFunctionBuilds("/repo");
 * const manifest = await builds.sync(listFunctions(loadTemplate(TEMPLATE_PATH)));
 * builds.functionsUsing("/repo/handlers/shared/token.ts"); // ["AgentAuthorizerFunction", "AuthorizerFunction", ...]
 * await builds.rebuild("UserFunction");
 * await builds.dispose();
 * ```
 */
export function createFunctionBuilds(root: string, buildRoot: string = BUILD_DIR): FunctionBuilds {
  const builds = new Map<string, Build>();
  const outDirOf = (logicalId: string) => resolve(root, buildDirOf(logicalId, buildRoot));

  async function rebuild(build: Build): Promise<void> {
    const result = await build.context.rebuild();
    build.inputs = new Set(Object.keys(result.metafile.inputs).map((input) => resolve(root, input)));
    for (const file of result.outputFiles) {
      await mkdir(dirname(file.path), { recursive: true });
      const partial = `${file.path}.${process.pid}.partial`;
      await writeFile(partial, file.contents);
      await rename(partial, file.path);
    }
  }

  return {
    async sync(functions) {
      const wanted = new Set(functions.map((fn) => fn.logicalId));
      for (const [logicalId, build] of builds) {
        if (
          !wanted.has(logicalId) ||
          build.spec.entryPoint !== functions.find((fn) => fn.logicalId === logicalId)?.entryPoint
        ) {
          builds.delete(logicalId);
          await build.context.dispose();
        }
      }
      const added = functions.filter((fn) => !builds.has(fn.logicalId));
      await Promise.all(
        added.map(async (spec) => {
          const build: Build = {
            spec,
            context: await context({
              ...bundleBuildOptions(spec, { root, buildDir: buildRoot }),
              metafile: true,
              write: false,
              // Watch mode prints a failed build's errors itself, with what it kept serving.
              logLevel: "silent",
              // A rebuild about a fifth faster; names survive anyway (keepNames), so errors read the same.
              minify: false,
            }),
            inputs: new Set(),
          };
          try {
            await rebuild(build);
          } catch (error) {
            await build.context.dispose();
            throw error;
          }
          builds.set(spec.logicalId, build);
        }),
      );
      return manifestOf(functions, outDirOf);
    },
    async rebuild(logicalId) {
      const build = builds.get(logicalId);
      if (build) await rebuild(build);
    },
    functionsUsing(path) {
      const absolute = isAbsolute(path) ? path : resolve(root, path);
      return [...builds.values()]
        .filter((build) => build.inputs.has(absolute))
        .map((build) => build.spec.logicalId);
    },
    sourceFiles() {
      const files = new Set<string>();
      for (const build of builds.values()) {
        for (const input of build.inputs) if (!input.includes("/node_modules/")) files.add(input);
      }
      return [...files];
    },
    async dispose() {
      await Promise.all([...builds.values()].map((build) => build.context.dispose()));
      builds.clear();
    },
  };
}

/**
 * The manifest of watch-mode bundles: no zips (the local run reads the bundle directories), a code
 * key per function that names it, absolute build directories.
 */
function manifestOf(functions: FunctionSpec[], outDirOf: (logicalId: string) => string): Manifest {
  return {
    functions: Object.fromEntries(
      functions.map((fn) => [
        fn.logicalId,
        {
          entryPoint: fn.entryPoint,
          buildDir: outDirOf(fn.logicalId),
          zip: "",
          key: `watch-mode/${fn.logicalId}`,
          sha256: "",
          bytes: 0,
          codeKeyParameter: fn.codeKeyParameter,
        },
      ]),
    ),
  };
}
