/**
 * Watches directories (recursively, node:fs `watch`) and reports the files that changed, in
 * batches: an editor's save is often several events (write, rename, chmod), and a checkout touches
 * many files at once, so changes are collected until `debounceMs` pass without a new one.
 */
import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";

/** A running watcher. */
export interface SourceWatcher {
  /** Watches one more directory (recursively); a directory already watched is ignored. */
  add(directory: string): void;
  close(): void;
}

/**
 * @example
 * ```ts
 * const watcher = watchSources(["/repo/handlers", "/repo/cloudformation"], (paths) => console.log(paths), 100);
 * watcher.close();
 * ```
 */
export function watchSources(
  directories: string[],
  onChange: (paths: string[]) => void,
  debounceMs: number,
): SourceWatcher {
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const paths = [...pending];
    pending = new Set();
    onChange(paths);
  };
  const add = (directory: string) => {
    if (watchers.has(directory)) return;
    const watcher = watch(directory, { recursive: true }, (_event, filename) => {
      if (!filename) return;
      pending.add(join(directory, filename.toString()));
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    });
    // A watched directory that disappears (a branch switch) must not crash the run.
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(directory);
    });
    watchers.set(directory, watcher);
  };
  for (const directory of directories) add(directory);
  return {
    add,
    close() {
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
