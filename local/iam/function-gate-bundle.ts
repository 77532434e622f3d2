/**
 * The functions' own gates (function-gate.ts) as one plain JavaScript module their worker threads
 * can import: bundled with esbuild once per run, into a temporary directory (about 0.3 s at start).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The bundled gate module. */
export interface FunctionGateBundle {
  /** Absolute path of the module; it exports `startFunctionGate`. */
  modulePath: string;
  /** Deletes the bundle. */
  remove(): void;
}

/**
 * Bundles function-gate.ts and what it imports (nothing but Node.js built-ins stays outside).
 *
 * @example
 * ```ts
 * const bundle = await bundleFunctionGate();
 * const { startFunctionGate } = await import(bundle.modulePath);
 * bundle.remove();
 * ```
 */
export async function bundleFunctionGate(): Promise<FunctionGateBundle> {
  const dir = mkdtempSync(join(tmpdir(), "local-function-gate-"));
  const modulePath = join(dir, "function-gate.mjs");
  try {
    await build({
      entryPoints: [fileURLToPath(new URL("./function-gate.ts", import.meta.url))],
      outfile: modulePath,
      bundle: true,
      platform: "node",
      format: "esm",
      // The worker runs on this process's Node.js.
      target: `node${process.versions.node}`,
      logLevel: "silent",
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { modulePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
