/**
 * `make destroy`: deletes the stack (asks first; CONFIRM=yes answers for CI). The tables are
 * retained with their data; the command names them. Settings: STACK_NAME, AWS_REGION.
 */

import { runDestroy } from "./deploy/destroy-stack.js";
import { runCommand } from "./deploy/settings.js";

await runCommand(async () => ((await runDestroy()) === "declined" ? 1 : 0));
