/**
 * `node jvm-watchdog.mjs <command> [args...]`: runs the command (DynamoDB Local's JVM) and ends it
 * when this process's stdin closes. The parent holds the other end of that pipe, and the operating
 * system closes it however the parent ends — Ctrl-C, a crash, SIGKILL, a test run that exits — so
 * the JVM never outlives the local run. SIGTERM/SIGINT/SIGHUP end it too. Exits with the command's
 * status. Plain JavaScript so that it starts in milliseconds without tsx.
 */
import { spawn } from "node:child_process";

/** How long the JVM gets to exit on SIGTERM before SIGKILL. */
const GRACE_MS = 5000;

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write("usage: node jvm-watchdog.mjs <command> [args...]\n");
  process.exit(2);
}

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), GRACE_MS).unref();
};

process.stdin.on("end", end);
process.stdin.on("error", end);
process.stdin.resume();
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, end);

child.on("error", (error) => {
  process.stderr.write(`jvm-watchdog: cannot run ${command}: ${error.message}\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal === "SIGTERM" || signal === "SIGINT" ? 0 : 1));
});
