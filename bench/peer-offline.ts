/**
 * Runs the serverless-offline peer (serverless@3 + serverless-offline@13 from bench/peer/, installed
 * by `make bench`) fully offline: telemetry, notifications and update checks off, fake credentials,
 * DynamoDB = the local run's embedded one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { type PeerServiceOptions, writePeerService } from "./peer-service.js";

/** A running peer. */
export interface RunningPeer {
  /** `http://127.0.0.1:<port>/<stage>` */
  url: string;
  routes: string[];
  /** Everything the peer printed, for the results when it misbehaves. */
  output: () => string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Generates the service in `serviceDir` and starts `serverless offline start` there; resolves when
 * the peer says it is ready.
 */
export async function startPeer(
  options: Omit<PeerServiceOptions, "httpPort" | "lambdaPort"> & { peerDir: string },
): Promise<RunningPeer> {
  const peerModules = resolve(options.peerDir, "node_modules");
  const cli = join(peerModules, "serverless", "bin", "serverless.js");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm ci --prefix ${options.peerDir}`);
  rmSync(options.serviceDir, { recursive: true, force: true });
  mkdirSync(options.serviceDir, { recursive: true });
  // The service lives outside bench/peer (in dist/), so it reaches the plugin through a link.
  symlinkSync(peerModules, join(options.serviceDir, "node_modules"), "dir");
  // serverless-offline prints the configured port, so it cannot report an ephemeral one: ask the
  // system for free ports and hand them over.
  const httpPort = await freePort();
  const lambdaPort = await freePort();
  const routes = writePeerService({ ...options, httpPort, lambdaPort });

  const child = spawn(process.execPath, [cli, "offline", "start", "--noTimeout"], {
    cwd: options.serviceDir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? options.serviceDir,
      SLS_TELEMETRY_DISABLED: "1",
      SLS_TRACKING_DISABLED: "1",
      SLS_NOTIFICATIONS_MODE: "off",
      SLS_DEPRECATION_DISABLE: "*",
      SLS_INTERACTIVE_SETUP_DISABLE: "1",
      AWS_ACCESS_KEY_ID: options.dynamodb.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.dynamodb.credentials.secretAccessKey,
      AWS_REGION: options.stack.region,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  await waitForReady(child, () => output);
  const stage = options.stack.parameters.StageName ?? "v1";
  return {
    url: `http://127.0.0.1:${httpPort}/${stage}`,
    routes,
    output: () => output,
    stop: () => stopChild(child),
  };
}

function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(
        new Error(`serverless-offline did not start in ${STARTUP_TIMEOUT_MS} ms:\n${output().slice(-2000)}`),
      );
    }, STARTUP_TIMEOUT_MS);
    const check = () => {
      if (/Server ready/.test(output())) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless-offline exited (${code}) before it was ready:\n${output().slice(-2000)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStopped) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolveStopped();
    });
    child.kill("SIGTERM");
  });
}

/** A port nobody listens on right now (bound to 0 by the system, then released). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
