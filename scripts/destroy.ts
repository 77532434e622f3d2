/**
 * `make destroy`: deletes the stack (asks first; CONFIRM=yes answers for CI). The tables are
 * retained with their data; the command names them. Settings: STACK_NAME, AWS_REGION.
 */
import { runCommand } from "./deploy/run-command.js";
import { runDestroy } from "./deploy/run-destroy.js";

await runCommand(async () => ((await runDestroy()) === "declined" ? 1 : 0));
