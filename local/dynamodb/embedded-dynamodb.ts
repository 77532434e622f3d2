/**
 * The embedded DynamoDB of the local run: AWS's DynamoDB Local in a child process when Java 17+ is
 * installed, otherwise dynalite in this process (no transactions, no TTL), with the data directory
 * laid out as data-dir.ts describes. Callers ask {@link EmbeddedDynamoDB.capabilities}, never the user.
 *
 * In-memory runs of one process (the tests, the benchmarks) share one DynamoDB Local JVM, each with
 * its own database (DynamoDB Local keeps one per access key id): a JVM start costs seconds.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import dynalite from "dynalite";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import {
  capabilitiesOf,
  type DynamoDBCapabilities,
  generateLocalCredentials,
  type LocalDynamoDBBackend,
  type LocalDynamoDBConnection,
  type LocalDynamoDBCredentials,
  localDynamoDBClient,
} from "../../lib/aws/local-dynamodb.js";
import { closeServer, listen } from "../listen.js";
import {
  claimDataDir,
  DYNALITE_DIR,
  DYNAMODB_LOCAL_DIR,
  hasFiles,
  legacyDynaliteFiles,
  loadOrCreateCredentials,
  moveLegacyDynaliteFiles,
} from "./data-dir.js";
import { guardDynalite } from "./dynalite-guard.js";
import { importDynaliteData } from "./dynalite-import.js";
import { type DynamoDBLocalProcess, startDynamoDBLocal } from "./dynamodb-local.js";
import { findJavaRuntime, JAVA_INSTALL_HINT, type JavaMissing, type JavaRuntime } from "./java-runtime.js";

/** Which backend to run: `auto` is DynamoDB Local when Java 17+ is found, else dynalite. */
export type DynamoDBBackendChoice = "auto" | LocalDynamoDBBackend;

/** Where and how to run it. */
export interface EmbeddedDynamoDBOptions {
  /** 0 = an ephemeral port. Default 0. */
  port?: number;
  /** The data directory (created if missing); null keeps everything in memory. */
  dataDir: string | null;
  /** Default `auto`. */
  backend?: DynamoDBBackendChoice;
  /** The region clients use (DynamoDB Local keeps a database per access key id and region). Default us-east-1. */
  region?: string;
  /** Where `JAVA_HOME` and `PATH` come from when looking for Java. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Lines about the fallback and a carried-over dynalite directory. Default: dropped. */
  log?: (line: string) => void;
}

/** A running embedded DynamoDB and how to reach the run's database in it. */
export interface EmbeddedDynamoDB extends LocalDynamoDBConnection {
  port: number;
  capabilities: DynamoDBCapabilities;
  /** For the ready line: `DynamoDB Local 3.3.1` or `dynalite (fallback: no transactions, no TTL)`. */
  description: string;
  /** Stops it (the shared in-memory JVM stays for the process's other runs). */
  stop(): Promise<void>;
}

const DYNALITE_DESCRIPTION = "dynalite (fallback: no transactions, no TTL)";

/**
 * Starts the embedded DynamoDB. A taken port rejects with an error naming `DYNAMODB_PORT`, a data
 * directory another local API uses with one naming that process.
 *
 * @example
 * ```ts
 * import { localDynamoDBClient } from "../../lib/aws/local-dynamodb.js";
 *
 * const dynamodb = await startEmbeddedDynamoDB({ port: 8000, dataDir: ".local/data", log: console.log });
 * const client = localDynamoDBClient(dynamodb, "us-east-1");
 * ```
 */
export async function startEmbeddedDynamoDB(options: EmbeddedDynamoDBOptions): Promise<EmbeddedDynamoDB> {
  const { port = 0, region = "us-east-1", log = () => undefined } = options;
  const backend = chooseBackend(options.backend ?? "auto", options.env ?? process.env, log);
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir);
  if (dataDir === null) {
    const credentials = generateLocalCredentials();
    if (backend.kind === "dynalite") return startDynalite({ port, path: undefined, credentials });
    if (port === 0) return shareDynamoDBLocal(backend.java, credentials, region);
    const jvm = await startDynamoDBLocal({
      java: backend.java,
      port,
      dbPath: null,
      probe: { credentials, region },
    });
    return dynamoDBLocalHandle(jvm, credentials, jvm.stop);
  }

  const unlock = claimDataDir(dataDir);
  try {
    const credentials = loadOrCreateCredentials(dataDir);
    if (backend.kind === "dynalite") {
      const embedded = await startDynalite({ port, path: dynalitePath(dataDir, log), credentials });
      return { ...embedded, stop: () => embedded.stop().finally(unlock) };
    }
    const dbPath = join(dataDir, DYNAMODB_LOCAL_DIR);
    const jvm = await startDynamoDBLocal({
      java: backend.java,
      port,
      dbPath: ensureDir(dbPath),
      probe: { credentials, region },
    });
    const embedded = dynamoDBLocalHandle(jvm, credentials, () => jvm.stop().finally(unlock));
    try {
      await carryOverLegacyDynalite(dataDir, embedded, region, log);
      if (hasFiles(join(dataDir, DYNALITE_DIR))) {
        log(
          `the dynalite fallback's data in ${join(dataDir, DYNALITE_DIR)} is not shown by DynamoDB Local: start with LOCAL_DYNAMODB=dynalite to use it`,
        );
      }
    } catch (error) {
      await embedded.stop();
      throw error;
    }
    return embedded;
  } catch (error) {
    unlock();
    throw error;
  }
}

type Backend = { kind: "dynalite" } | { kind: "dynamodb-local"; java: JavaRuntime };

/** Finding Java runs `java -version` (a JVM start): once per process and environment. */
const javaLookups = new Map<string, JavaRuntime | JavaMissing>();

function chooseBackend(
  choice: DynamoDBBackendChoice,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Backend {
  if (choice === "dynalite") return { kind: "dynalite" };
  const key = `${env.JAVA_HOME ?? ""}\n${env.PATH ?? ""}`;
  const java = javaLookups.get(key) ?? findJavaRuntime(env);
  javaLookups.set(key, java);
  if (!("missing" in java)) return { kind: "dynamodb-local", java };
  if (choice === "dynamodb-local") {
    throw new ApigwTokenAuthError(`DynamoDB Local needs Java 17+ (${java.missing}): ${JAVA_INSTALL_HINT}`, {
      expected: "Java 17 or later",
      actual: java.missing,
    });
  }
  log(
    `DynamoDB Local needs Java 17+ (${java.missing}): running on dynalite, which has no transactions (TransactWriteItems) and no TTL; ${JAVA_INSTALL_HINT}`,
  );
  return { kind: "dynalite" };
}

async function startDynalite(options: {
  port: number;
  path: string | undefined;
  credentials: LocalDynamoDBCredentials;
}): Promise<EmbeddedDynamoDB> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guardDynalite(server, options.credentials);
  const port = await listen(server, "127.0.0.1", options.port, {
    service: "the embedded DynamoDB",
    envVariable: "DYNAMODB_PORT",
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    credentials: options.credentials,
    backend: "dynalite",
    capabilities: capabilitiesOf("dynalite"),
    description: DYNALITE_DESCRIPTION,
    stop: () => closeServer(server),
  };
}

function dynamoDBLocalHandle(
  jvm: DynamoDBLocalProcess,
  credentials: LocalDynamoDBCredentials,
  stop: () => Promise<void>,
): EmbeddedDynamoDB {
  return {
    endpoint: jvm.endpoint,
    port: jvm.port,
    credentials,
    backend: "dynamodb-local",
    capabilities: capabilitiesOf("dynamodb-local"),
    description: `DynamoDB Local ${jvm.version}`,
    stop,
  };
}

let sharedJvm: Promise<DynamoDBLocalProcess> | undefined;

/** The process's in-memory DynamoDB Local (started on first use), with a database of its own. */
async function shareDynamoDBLocal(
  java: JavaRuntime,
  credentials: LocalDynamoDBCredentials,
  region: string,
): Promise<EmbeddedDynamoDB> {
  sharedJvm ??= startDynamoDBLocal({ java, port: 0, dbPath: null, probe: { credentials, region } });
  const jvm = await sharedJvm.catch((error: unknown) => {
    sharedJvm = undefined;
    throw error;
  });
  return dynamoDBLocalHandle(jvm, credentials, async () => undefined);
}

/**
 * Stops the shared in-memory DynamoDB Local, if one runs. The test suite's root hook calls it; a
 * process that never does still leaves no JVM behind (its watchdog ends it with the process).
 *
 * @example
 * ```ts
 * export const mochaHooks = { afterAll: stopSharedDynamoDBLocal };
 * ```
 */
export async function stopSharedDynamoDBLocal(): Promise<void> {
  const jvm = sharedJvm;
  sharedJvm = undefined;
  await (await jvm?.catch(() => undefined))?.stop();
}

/** The fallback's LevelDB directory, after moving a dynalite-era layout into it. */
function dynalitePath(dataDir: string, log: (line: string) => void): string {
  const path = join(dataDir, DYNALITE_DIR);
  if (legacyDynaliteFiles(dataDir).length > 0) {
    if (hasFiles(path)) throw legacyAndCurrentError(dataDir, path);
    moveLegacyDynaliteFiles(dataDir, path);
    log(`moved the dynalite data of ${dataDir} into ${path}`);
  }
  if (hasFiles(join(dataDir, DYNAMODB_LOCAL_DIR))) {
    log(
      `the data DynamoDB Local keeps in ${join(dataDir, DYNAMODB_LOCAL_DIR)} is not shown by dynalite: install Java 17+ to use it again`,
    );
  }
  return ensureDir(path);
}

/** Imports a dynalite-era database into DynamoDB Local once, then keeps its files aside. */
async function carryOverLegacyDynalite(
  dataDir: string,
  dynamodb: EmbeddedDynamoDB,
  region: string,
  log: (line: string) => void,
): Promise<void> {
  if (legacyDynaliteFiles(dataDir).length === 0) return;
  const client = localDynamoDBClient(dynamodb, region);
  let imported: Record<string, number>;
  try {
    imported = await importDynaliteData(dataDir, client, region);
  } catch (cause) {
    throw new ApigwTokenAuthError(
      `could not carry the dynalite data in ${dataDir} over to DynamoDB Local (${(cause as Error).message}); ` +
        "the files are untouched: start with LOCAL_DYNAMODB=dynalite to keep using them",
      { expected: "a readable dynalite database", actual: (cause as Error).message, cause },
    );
  } finally {
    client.destroy();
  }
  const kept = join(dataDir, `dynalite-imported-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  moveLegacyDynaliteFiles(dataDir, kept);
  const tables = Object.entries(imported).map(([table, items]) => `${table} (${items} items)`);
  log(
    `carried the dynalite data over to DynamoDB Local: ${tables.join(", ") || "no tables"}; the old files are kept in ${kept}`,
  );
}

function legacyAndCurrentError(dataDir: string, path: string): ApigwTokenAuthError {
  return new ApigwTokenAuthError(
    `${dataDir} holds dynalite files of two eras (in the directory itself and in ${path}): move one set away`,
    { expected: "one dynalite database", actual: "two" },
  );
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}
