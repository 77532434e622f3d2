/**
 * The tests that run our template need `make package` output (dist/manifest.json and the bundles).
 * Rather than assume a build, they call this, which builds and packages with the project's own
 * build functions when the output is missing or does not cover every function of the template.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction } from "../../../lib/build/bundle.js";
import { listFunctions, TEMPLATE_PATH } from "../../../lib/build/functions.js";
import { MANIFEST_PATH, readManifest } from "../../../lib/build/manifest.js";
import { packageFunctions } from "../../../lib/build/package-functions.js";
import { loadTemplate } from "../../../lib/cloudformation/load-template.js";
import { PROJECT_ROOT } from "../../../local/index.js";

let packaging: Promise<void> | undefined;

/**
 * Makes sure dist/ holds a package of every function in the template (once per test process).
 */
export function ensurePackagedFunctions(): Promise<void> {
  packaging ??= (async () => {
    const functions = listFunctions(loadTemplate(join(PROJECT_ROOT, TEMPLATE_PATH)));
    if (isPackaged(functions.map((fn) => fn.logicalId))) return;
    for (const fn of functions) await bundleFunction(fn, { root: PROJECT_ROOT });
    await packageFunctions({ root: PROJECT_ROOT });
  })();
  return packaging;
}

function isPackaged(logicalIds: string[]): boolean {
  const manifestPath = join(PROJECT_ROOT, MANIFEST_PATH);
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = readManifest(manifestPath);
    return logicalIds.every((logicalId) => {
      const entry = manifest.functions[logicalId];
      return entry !== undefined && existsSync(join(PROJECT_ROOT, entry.buildDir, "index.mjs"));
    });
  } catch {
    return false;
  }
}
