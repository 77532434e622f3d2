/**
 * `make build` (after `tsc --noEmit`): bundles every Lambda function the template declares into
 * `dist/build/<LogicalId>/index.mjs`. The template's `Metadata.BuildEntryPoint` says what to bundle.
 */
import { join } from "node:path";
import { BUNDLE_FILE, bundleFunction } from "../lib/build/bundle.js";
import { listFunctions, TEMPLATE_PATH } from "../lib/build/functions.js";
import { loadTemplate } from "../lib/cloudformation/load-template.js";

const functions = listFunctions(loadTemplate(TEMPLATE_PATH));
for (const fn of functions) {
  const buildDir = await bundleFunction(fn);
  console.log(`${fn.logicalId}: ${fn.entryPoint} → ${join(buildDir, BUNDLE_FILE)}`);
}
