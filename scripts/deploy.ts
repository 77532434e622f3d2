/**
 * `make deploy`: deploys cloudformation/api.yaml with the packaged functions (run `make package`
 * first; the make target does). Settings: STACK_NAME, AWS_REGION, ARTIFACT_BUCKET, STAGE, CONFIRM,
 * AWS_ENDPOINT_URL (see scripts/deploy/settings.ts).
 */

import { runDeploy } from "./deploy/deploy-stack.js";
import { runCommand } from "./deploy/settings.js";

await runCommand(async () => {
  await runDeploy();
  return 0;
});
