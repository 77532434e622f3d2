/**
 * The tests that run our template need `make package` output (dist/manifest.json and the bundles).
 * Rather than assume a build, they call this, which builds and packages with the project's own
 * build functions once per test process: always, because a dist/ left by an earlier checkout would
 * make the tests run yesterday's handlers (esbuild takes about a second for all of them).
 */
import { join } from "node:path";
import { bundleFunction } from "../../../lib/build/bundle.js";
import { listFunctions, TEMPLATE_PATH } from "../../../lib/build/functions.js";
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
    for (const fn of functions) await bundleFunction(fn, { root: PROJECT_ROOT });
    await packageFunctions({ root: PROJECT_ROOT });
  })();
  return packaging;
}
