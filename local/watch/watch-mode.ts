/**
 * Watch mode of `make start`: a changed source file rebuilds and reloads the functions whose bundle
 * includes it; a changed template reloads the API (same port, same DynamoDB and data). Each reload
 * prints one line saying what was reloaded and how long it took; a failed build or a template the
 * local run cannot serve prints the error and the previous version keeps serving.
 */
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { listFunctions } from "../../lib/build/functions.js";
import { loadTemplate } from "../../lib/cloudformation/load-template.js";
import type { LocalApi } from "../index.js";
import { createFunctionBuilds, type FunctionBuilds } from "./function-builds.js";
import { watchSources } from "./source-watcher.js";

/** How watch mode is set up. */
export interface WatchModeOptions {
  api: LocalApi;
  /** The repository root: entry points and printed paths are relative to it. */
  root: string;
  /** The template the API serves (absolute). */
  templatePath: string;
  /** Reload lines and errors. */
  log: (line: string) => void;
  /** Quiet period before a batch of changes is acted on. Default 50 ms. */
  debounceMs?: number;
  /** The builds to use (tests share them with the API's first start). Default: new ones from `root`. */
  builds?: FunctionBuilds;
}

/** Running watch mode. */
export interface WatchMode {
  /** How many reloads (of functions or of the API) have completed, for tests. */
  reloads(): number;
  close(): Promise<void>;
}

/**
 * Builds every function once (to learn each bundle's inputs), then watches their source directories
 * and the template's.
 *
 * @example
 * ```ts
 * import { startLocalApi } from "../index.js";
 *
 * const api = await startLocalApi({ port: 3000 });
 * const watch = await startWatchMode({ api, root: process.cwd(), templatePath: "/repo/cloudformation/api.yaml", log: console.log });
 * await watch.close();
 * ```
 */
export async function startWatchMode(options: WatchModeOptions): Promise<WatchMode> {
  const { api, root, templatePath, log } = options;
  const builds = options.builds ?? createFunctionBuilds(root);
  const show = (path: string) => relative(root, path) || path;
  await builds.sync(listFunctions(loadTemplate(templatePath)));
  let reloads = 0;
  // One batch at a time, in order: a reload never races the one before it.
  let queue = Promise.resolve();

  const watchedDirectories = () => {
    const directories = new Set([dirname(templatePath)]);
    for (const file of builds.sourceFiles()) {
      // The top-level directory under the root (handlers/, lib/...), or the file's own directory.
      const [top] = relative(root, file).split("/");
      directories.add(top && !top.startsWith("..") ? resolve(root, top) : dirname(file));
    }
    return [...directories].filter((directory) => existsSync(directory));
  };

  const reloadApi = async (changed: string[]) => {
    const started = Date.now();
    try {
      const manifest = await builds.sync(listFunctions(loadTemplate(templatePath)));
      await api.reload({ manifest });
      reloads++;
      log(`reloaded the API from ${show(templatePath)} in ${Date.now() - started} ms (${describe(changed)})`);
    } catch (error) {
      log(`${show(templatePath)}: ${firstLines(error)}\n  still serving the previous version of the API`);
    }
  };

  const reloadFunctions = async (changed: string[]) => {
    const affected = [...new Set(changed.flatMap((path) => builds.functionsUsing(path)))].sort();
    if (affected.length === 0) return;
    const started = Date.now();
    const results = await Promise.allSettled(affected.map((logicalId) => builds.rebuild(logicalId)));
    const reloaded: string[] = [];
    results.forEach((result, index) => {
      const logicalId = affected[index] as string;
      if (result.status === "fulfilled") {
        api.reloadFunction(logicalId);
        reloaded.push(logicalId);
      } else {
        log(`${logicalId}: build failed, still serving the previous version: ${firstLines(result.reason)}`);
      }
    });
    if (reloaded.length > 0) {
      reloads++;
      log(`rebuilt and reloaded ${reloaded.join(", ")} in ${Date.now() - started} ms (${describe(changed)})`);
    }
  };

  const describe = (changed: string[]) => {
    const shown = changed.slice(0, 3).map(show).join(", ");
    return `${shown}${changed.length > 3 ? ` and ${changed.length - 3} more` : ""} changed`;
  };

  const watcher = watchSources(
    watchedDirectories(),
    (paths) => {
      queue = queue.then(async () => {
        const relevant = paths.filter(
          (path) => path === templatePath || builds.functionsUsing(path).length > 0,
        );
        if (relevant.length === 0) return;
        // Sources first, so that a template reload in the same batch serves the rebuilt bundles.
        await reloadFunctions(relevant.filter((path) => path !== templatePath));
        if (relevant.includes(templatePath)) await reloadApi(relevant);
        // A rebuild may have pulled in a file from a directory not yet watched.
        for (const directory of watchedDirectories()) watcher.add(directory);
      });
    },
    options.debounceMs ?? 50,
  );
  log(`watching ${watchedDirectories().map(show).join(", ")} (WATCH=0 turns this off)`);

  return {
    reloads: () => reloads,
    async close() {
      watcher.close();
      await queue;
      await builds.dispose();
    },
  };
}

/** An error's first lines (esbuild's errors are long): enough to find it. */
function firstLines(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").slice(0, 6).join("\n  ");
}
