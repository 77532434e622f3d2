/**
 * `make smoke` (after `make deploy`): calls the deployed API with no token, a bad token, a fresh
 * token and a scope-limited one, and revokes the tokens it issued. Exits non-zero when a check fails.
 * Settings: STACK_NAME, AWS_REGION.
 */

import { runCommand } from "./deploy/settings.js";
import { runSmoke } from "./deploy/smoke.js";

await runCommand(async () => ((await runSmoke()) === 0 ? 0 : 1));
