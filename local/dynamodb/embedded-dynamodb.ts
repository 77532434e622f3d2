/**
 * The embedded DynamoDB of the local run: dynalite, in this process, on 127.0.0.1. Data lives in a
 * LevelDB directory (so a restart keeps every token and user) or in memory for tests.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import dynalite from "dynalite";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { isProcessRunning } from "../../lib/local-state.js";
import { closeServer, listen } from "../listen.js";

/** Where and how to run it. */
export interface EmbeddedDynamoDBOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = an ephemeral port. Default 0. */
  port?: number;
  /** LevelDB directory (created if missing); null keeps everything in memory. */
  dataDir: string | null;
}

/** A running embedded DynamoDB. */
export interface EmbeddedDynamoDB {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_DYNAMODB` is set to. */
  endpoint: string;
  port: number;
  /** Stops the server and closes the database (flushing it to disk). */
  stop(): Promise<void>;
}

const LOCK_FILE = "local-api.pid";

/**
 * Starts dynalite. Tables are ACTIVE as soon as they are created (`createTableMs: 0`).
 * A taken port rejects with an error that names `DYNAMODB_PORT`.
 *
 * @example
 * ```ts
 * import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
 *
 * const dynamodb = await startEmbeddedDynamoDB({ port: 8000, dataDir: ".local/data" });
 * const client = localDynamoDBClient(dynamodb.endpoint);
 * ```
 */
export async function startEmbeddedDynamoDB(options: EmbeddedDynamoDBOptions): Promise<EmbeddedDynamoDB> {
  const { host = "127.0.0.1", port = 0, dataDir } = options;
  const path = dataDir === null ? undefined : resolve(dataDir);
  const unlock = path ? lockDataDir(path) : () => undefined;
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let bound: number;
  try {
    bound = await listen(server, host, port, {
      service: "the embedded DynamoDB",
      envVariable: "DYNAMODB_PORT",
    });
  } catch (error) {
    unlock();
    throw error;
  }
  return {
    endpoint: `http://${host}:${bound}`,
    port: bound,
    stop: () => closeServer(server).finally(unlock),
  };
}

/**
 * Claims the data directory for this process. LevelDB locks it too, but dynalite only finds out on
 * the first request and then crashes the process, so a second start must be refused up front.
 */
function lockDataDir(path: string): () => void {
  mkdirSync(path, { recursive: true });
  const file = join(path, LOCK_FILE);
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(file, "utf8"));
  } catch {
    owner = undefined;
  }
  if (owner !== undefined && owner !== process.pid && isProcessRunning(owner)) {
    throw new ApigwTokenAuthError(
      `the data directory ${path} is in use by another local API (process ${owner}): stop it, or choose another directory with DATA_DIR=<dir>`,
      { expected: "a data directory no other process uses", actual: `locked by process ${owner}` },
    );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (Number(readFileSync(file, "utf8")) === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}
