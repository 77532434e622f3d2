/**
 * `make package` (after `make build`): one deterministic, content-hashed zip per function in `dist/`
 * and `dist/manifest.json` for `make deploy` and the local gateway.
 */
import { MANIFEST_PATH } from "../lib/build/manifest.js";
import { packageFunctions } from "../lib/build/package-functions.js";

const manifest = await packageFunctions();
for (const [logicalId, fn] of Object.entries(manifest.functions)) {
  console.log(`${logicalId}: ${fn.zip} (${fn.bytes} bytes, ${fn.codeKeyParameter})`);
}
console.log(`wrote ${MANIFEST_PATH}`);
