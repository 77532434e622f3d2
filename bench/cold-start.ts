/**
 * Cold-start proxies for every packaged function: zip size, bundle size and the time to load the
 * bundle's module (top-level code: SDK client creation, environment checks) in a fresh Node.js
 * process. Lambda's own init adds runtime start-up and code download on top; the proxies are what
 * this project controls.
 */
import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Manifest } from "../lib/build/manifest.js";
import { median, round } from "./lib/stats.js";

const execFileAsync = promisify(execFile);

/** Runs a process; on failure throws with the first line of its stderr, not the whole bundle source. */
async function runQuietly(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv },
): Promise<{ stdout: string }> {
  try {
    return await execFileAsync(file, args, options);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    const reason = stderr.split("\n").find((line) => /Error/.test(line)) ?? "exited with an error";
    throw new Error(`loading the bundle failed: ${reason.slice(0, 300)}`);
  }
}

/** One function's figures. */
export interface ColdStartResult {
  logicalId: string;
  zipBytes: number;
  bundleBytes: number;
  /** Median over the fresh processes of the time `import()` of the bundle takes, in milliseconds. */
  moduleLoadMs: number;
  /** Each process's load time. */
  moduleLoadRunsMs: number[];
}

/** Loads the module in a fresh process and prints how long the import took. */
const LOAD_SCRIPT = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write("LOAD_MS=" + (performance.now() - started) + "\\n");
`;

/**
 * Measures every function in the manifest: sizes from disk, load time as the median of `runs`
 * fresh processes. `environment` gives each function the variables its top-level code requires.
 */
export async function measureColdStart(
  manifest: Manifest,
  options: {
    runs: number;
    rootDir: string;
    /** The functions to measure (those of the template; the manifest may list older ones). */
    logicalIds: string[];
    environment: (logicalId: string) => Record<string, string>;
  },
): Promise<ColdStartResult[]> {
  const results: ColdStartResult[] = [];
  for (const logicalId of options.logicalIds) {
    const fn = manifest.functions[logicalId];
    if (fn === undefined) throw new Error(`${logicalId} is not in the manifest: run make package`);
    const buildDir = resolve(options.rootDir, fn.buildDir);
    const entry = readdirSync(buildDir).find((name) => /^index\.[cm]?js$/.test(name));
    if (entry === undefined) throw new Error(`${buildDir} has no index.mjs: run make package`);
    const runsMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const { stdout } = await runQuietly(
        process.execPath,
        ["--input-type=module", "--eval", LOAD_SCRIPT, pathToFileURL(join(buildDir, entry)).href],
        {
          env: {
            PATH: process.env.PATH ?? "",
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "bench",
            AWS_SECRET_ACCESS_KEY: "bench",
            ...options.environment(logicalId),
          },
        },
      );
      const match = /LOAD_MS=([\d.]+)/.exec(stdout);
      if (!match) throw new Error(`loading ${logicalId} printed no time: ${stdout.slice(0, 200)}`);
      runsMs.push(round(Number(match[1]), 2));
    }
    results.push({
      logicalId,
      zipBytes: statSync(resolve(options.rootDir, fn.zip)).size,
      bundleBytes: directoryBytes(buildDir),
      moduleLoadMs: median(runsMs),
      moduleLoadRunsMs: runsMs,
    });
  }
  return results;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}
