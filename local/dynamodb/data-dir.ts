/**
 * The local run's data directory (`DATA_DIR`, default `.local/data`):
 *
 * ```text
 * local-api.pid               the process using it (one at a time)
 * dynamodb-credentials.json   the run's access key id and secret (mode 0600)
 * dynamodb-local/             DynamoDB Local's databases (-dbPath), one file per access key id and region
 * dynalite/                   the fallback's LevelDB database
 * dynalite-imported-<time>/   a dynalite-era database after its data was carried over to DynamoDB Local
 * ```
 *
 * Before DynamoDB Local, dynalite kept its LevelDB files in the directory itself: that layout is
 * recognised ({@link legacyDynaliteFiles}) and carried over, never silently ignored.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { generateLocalCredentials, type LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import { isProcessRunning } from "../../lib/local-state.js";

const LOCK_FILE = "local-api.pid";
const CREDENTIALS_FILE = "dynamodb-credentials.json";
export const DYNAMODB_LOCAL_DIR = "dynamodb-local";
export const DYNALITE_DIR = "dynalite";
/** The files LevelDB writes (what dynalite left in the directory itself). */
const LEVELDB_FILE = /^(CURRENT|LOCK|LOG|LOG\.old|MANIFEST-\d+|\d+\.(ldb|log|sst))$/;

/**
 * Creates the directory (mode 0700) and claims it for this process: two local runs on one
 * directory would corrupt it (LevelDB and DynamoDB Local's SQLite both assume one owner). Returns
 * the function that releases it.
 *
 * @example
 * ```ts
 * const unlock = claimDataDir(".local/data");
 * ```
 */
export function claimDataDir(dataDir: string): () => void {
  const path = resolve(dataDir);
  mkdirSync(path, { recursive: true, mode: 0o700 });
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

/**
 * The run's DynamoDB credentials, created (random, mode 0600) on the first start. DynamoDB Local
 * keeps a database per access key id, so whoever reaches its port without this id sees an empty one.
 *
 * @example
 * ```ts
 * const credentials = loadOrCreateCredentials(".local/data");
 * ```
 */
export function loadOrCreateCredentials(dataDir: string): LocalDynamoDBCredentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalDynamoDBCredentials>;
    if (typeof saved.accessKeyId !== "string" || typeof saved.secretAccessKey !== "string") {
      throw new ApigwTokenAuthError(
        `${file} is not the run's DynamoDB credentials: move it away to get new ones`,
        {
          expected: '{"accessKeyId": "...", "secretAccessKey": "..."}',
          actual: Object.keys(saved).join(", ") || "no keys",
        },
      );
    }
    chmodSync(file, 0o600);
    return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey };
  }
  const credentials = generateLocalCredentials();
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/**
 * The LevelDB files dynalite left in the directory itself before the `dynalite/` subdirectory
 * existed; empty when there are none.
 *
 * @example
 * ```ts
 * const legacy = legacyDynaliteFiles(".local/data"); // ["000005.ldb", "CURRENT", "LOCK", "LOG", "MANIFEST-000004"]
 * ```
 */
export function legacyDynaliteFiles(dataDir: string): string[] {
  if (!existsSync(join(dataDir, "CURRENT"))) return [];
  return readdirSync(dataDir).filter((name) => LEVELDB_FILE.test(name));
}

/**
 * Moves the legacy LevelDB files into `target` (a rename: nothing is copied or lost).
 *
 * @example
 * ```ts
 * moveLegacyDynaliteFiles(".local/data", `.local/data/${DYNALITE_DIR}`);
 * ```
 */
export function moveLegacyDynaliteFiles(dataDir: string, target: string): void {
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of legacyDynaliteFiles(dataDir)) renameSync(join(dataDir, name), join(target, name));
}

/** Whether `dir` exists and holds anything. */
export function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}
