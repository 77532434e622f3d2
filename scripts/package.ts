/**
 * `make package` (after `make build`): one deterministic, content-hashed zip per function in `dist/`
 * and `dist/manifest.json` for `make deploy` and the local gateway, and the template `make deploy`
 * deploys (`dist/api.json`: the Deployment's logical id carries a hash of the API's definition).
 */
import { TEMPLATE_PATH } from "../lib/build/functions.js";
import { MANIFEST_PATH } from "../lib/build/manifest.js";
import { packageFunctions } from "../lib/build/package-functions.js";
import { RENDERED_TEMPLATE_PATH, writeDeployTemplate } from "../lib/build/render-template.js";

const manifest = await packageFunctions();
for (const [logicalId, fn] of Object.entries(manifest.functions)) {
  console.log(`${logicalId}: ${fn.zip} (${fn.bytes} bytes, ${fn.codeKeyParameter})`);
}
console.log(`wrote ${MANIFEST_PATH}`);
const apiHash = writeDeployTemplate(TEMPLATE_PATH);
console.log(`wrote ${RENDERED_TEMPLATE_PATH} (API definition ${apiHash})`);
