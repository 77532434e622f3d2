/**
 * The client of the local admin server that `make start` runs next to the API (`local/admin/`): the
 * token CLI flushes the local authorizer cache through it so that a revoke is felt at once, and tools
 * read the request traces. It finds the server and its per-run secret in `.local/state.json`.
 *
 * This module is also the admin API's contract: `local/admin/` answers with these shapes.
 */
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";
import { type LocalState, readLocalState } from "./local-state.js";

/** One authorizer cache entry, as digests only (never a token). */
export interface AuthorizerCacheEntry {
  /** The stage whose cache holds the entry (each stage caches apart, as on AWS). */
  stage: string;
  /** The authorizer's id (`AuthorizerId`). */
  authorizerId: string;
  /** The authorizer's logical id in the template, when known. */
  authorizer?: string;
  /** Digest prefix of the cache key. */
  keyDigest: string;
  /** Each identity value's SHA-256 digest prefix (for a token: what `token list` shows). */
  identity: string[];
  principalId: string;
  ttlSecondsLeft: number;
}

/** `GET /api/authorizer-cache` */
export interface AuthorizerCacheListing {
  entries: AuthorizerCacheEntry[];
}

/** `POST /api/authorizer-cache/flush` */
export interface AuthorizerCacheFlushed {
  flushed: number;
}

/** One served request of `GET /api/requests` (newest first). */
export interface RequestRecord {
  /** The response's `x-amzn-RequestId`. */
  requestId: string;
  method: string;
  path: string;
  status: number;
  /** When the request arrived (ISO 8601). */
  time: string;
  durationMs: number;
  /** The authorizer's principal, when one answered. */
  principalId?: string;
  /** Whether the authorizer cache answered (absent without an authorizer or before the cache). */
  cache?: "hit" | "miss";
  decision?: "Allow" | "ExplicitDeny" | "ImplicitDeny";
  /** The reason of a non-2xx in plain words (as `make start` prints it). */
  reason?: string;
  /** The decision trace (see `local/gateway/trace.ts`). */
  trace: unknown;
}

/** `GET /api/requests` */
export interface RequestListing {
  requests: RequestRecord[];
}

/** How to reach the admin server: `.local/state.json`'s `admin` field. */
export interface LocalAdminAddress {
  url: string;
  secret: string;
}

/** The calls the admin server answers. */
export interface LocalAdminClient {
  /** Flushes the local gateway's authorizer cache; resolves with how many entries it held. */
  flushAuthorizerCache(): Promise<number>;
  authorizerCache(): Promise<AuthorizerCacheEntry[]>;
  /** Recent requests, newest first. */
  requests(): Promise<RequestRecord[]>;
}

/**
 * A client of the running local API's admin server. Throws an ApigwTokenAuthError saying what to do
 * when `make start` is not running (from `readLocalState`), its admin server is off or unreachable,
 * or a call is refused.
 */
export function localAdminClient(state: Pick<LocalState, "admin"> = readLocalState()): LocalAdminClient {
  const admin = state.admin;
  if (!admin) {
    throw new ApigwTokenAuthError(
      "the local admin server is off (INSPECTOR_PORT=0): restart `make start` without INSPECTOR_PORT=0",
      { expected: "an admin field in .local/state.json", actual: "none" },
    );
  }
  return {
    flushAuthorizerCache: async () =>
      (await call<AuthorizerCacheFlushed>(admin, "POST", "/api/authorizer-cache/flush")).flushed,
    authorizerCache: async () =>
      (await call<AuthorizerCacheListing>(admin, "GET", "/api/authorizer-cache")).entries,
    requests: async () => (await call<RequestListing>(admin, "GET", "/api/requests")).requests,
  };
}

async function call<T>(admin: LocalAdminAddress, method: string, path: string): Promise<T> {
  const url = new URL(path, admin.url);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${admin.secret}` },
      signal: AbortSignal.timeout(5000),
    });
  } catch (cause) {
    throw new ApigwTokenAuthError(
      `cannot reach the local admin server at ${admin.url} (${(cause as Error).message}): is \`make start\` still running?`,
      { cause },
    );
  }
  if (!response.ok) {
    throw new ApigwTokenAuthError(`the local admin server refused ${method} ${path}`, {
      expected: "200",
      actual: `${response.status} ${(await response.text()).slice(0, 200)}`,
    });
  }
  return (await response.json()) as T;
}
