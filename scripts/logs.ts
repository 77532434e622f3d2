/**
 * `make logs STACK_NAME=demo [SINCE=15m] [FOLLOW=1]`: the stack's access-log and function log lines,
 * newest last, one request per block (see scripts/deploy/logs.ts). Settings: STACK_NAME, AWS_REGION.
 */
import { runLogs } from "./deploy/logs.js";
import { runCommand } from "./deploy/settings.js";

await runCommand(async () => {
  await runLogs();
  return 0;
});
