/**
 * `.local/state.json`: how to reach the local API started by `make start`, written when it is ready
 * and removed when it stops, so that tools (the token CLI's `--local`) find its DynamoDB (and what it
 * can do), its tables and its admin server.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";
import type { DynamoDBCapabilities, LocalDynamoDBConnection } from "./aws/local-dynamodb.js";

/**
 * The state file of this checkout (independent of the working directory), or `LOCAL_STATE_FILE`
 * when set (tests that run `make start` beside a developer's own).
 */
export const LOCAL_STATE_FILE =
  process.env.LOCAL_STATE_FILE || fileURLToPath(new URL("../.local/state.json", import.meta.url));

/** What a running local API publishes. */
export interface LocalState {
  /** The process serving it. */
  pid: number;
  /** `http://127.0.0.1:3000/v1` */
  url: string;
  /** The stage's execute-api ARN (`arn:aws:execute-api:<region>:<account>:<apiId>/<stage>`): `token explain` builds method ARNs on it. */
  stageArn?: string;
  /**
   * The run's DynamoDB: endpoint, credentials (they choose the run's database in DynamoDB Local),
   * backend and its capabilities — `supportsTransactions` is false on the dynalite fallback.
   */
  dynamodb: LocalDynamoDBConnection & { capabilities: DynamoDBCapabilities };
  region: string;
  /** Table names by logical id. */
  tables: Record<string, string>;
  /** The stack's outputs (e.g. `TokenTableName`), as a deployed stack would show them. */
  outputs: Record<string, string>;
  startedAt: string;
  /**
   * The local admin server (the inspector and its JSON API): its base URL and the bearer secret every
   * `/api/*` request must carry. Random per run; absent when it is off (`INSPECTOR_PORT=0`).
   */
  admin?: { url: string; secret: string };
}

const HOW_TO_START = "start it with `make start` (in another terminal)";

/**
 * Publishes the running local API's state, readable only by this user (mode 0600: it holds the
 * admin secret). Written to a private temporary file, then renamed, so no reader ever sees it
 * half-written or with wider permissions.
 */
export function writeLocalState(state: LocalState, file = LOCAL_STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  renameSync(temporary, file);
}

/**
 * Removes the state file if it still belongs to `pid` (a second start must not lose the first's).
 */
export function removeLocalState(pid: number, file = LOCAL_STATE_FILE): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as LocalState).pid === pid) rmSync(file, { force: true });
  } catch {
    // Nothing to remove, or a file another process rewrote: leave it.
  }
}

/**
 * The state of the running local API; throws an ApigwTokenAuthError saying how to start it
 * when there is no state file or its process is gone.
 *
 * @example
 * ```ts
 * const { dynamodb, outputs } = readLocalState();
 * ```
 */
export function readLocalState(file = LOCAL_STATE_FILE): LocalState {
  if (!existsSync(file)) {
    throw new ApigwTokenAuthError(`the local API is not running: ${HOW_TO_START}`, {
      expected: `${file}, written by a running make start`,
      actual: "no such file",
    });
  }
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as LocalState;
  } catch (cause) {
    throw new ApigwTokenAuthError(`cannot read ${file}: ${(cause as Error).message}; ${HOW_TO_START}`, {
      cause,
    });
  }
  if (typeof state.dynamodb?.endpoint !== "string") {
    throw new ApigwTokenAuthError(`${file} was written by an older local API: restart \`make start\``, {
      expected: "a state file with a dynamodb connection",
      actual: "none",
    });
  }
  if (!isProcessRunning(state.pid)) {
    throw new ApigwTokenAuthError(
      `the local API is not running (process ${state.pid} has ended): ${HOW_TO_START}`,
      { expected: `${file} of a running make start`, actual: `process ${state.pid} has ended` },
    );
  }
  return state;
}

/**
 * Whether a process with this id is running (it may belong to another user).
 */
export function isProcessRunning(pid: unknown): boolean {
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
