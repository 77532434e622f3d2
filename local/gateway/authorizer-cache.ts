/**
 * The authorizer result cache: the authorizer's output (policy, principal, context) kept per
 * stage, authorizer and token / identity-source values for the authorizer's TTL. On AWS each stage
 * has its own cache; here one cache holds every served stage's entries, the stage in the key, so
 * that the admin server shows (labelled by stage) and flushes them all.
 *
 * What is cached is the policy, not a decision: every hit re-evaluates the cached policy against the
 * new request's method ARN, as API Gateway does (so a policy naming only the first method denies the
 * next one). Errors and `Unauthorized` are never stored.
 *
 * The cache outlives a reload of the API (one per local run) and is shown by the local admin server
 * only as digests: a key holds raw identity values (tokens), which never leave this module.
 */
import { createHash } from "node:crypto";
import { digestPrefix, digestToken } from "../../handlers/shared/token.js";

/** A successful, validated authorizer output. */
export interface CachedAuthorization {
  principalId: string;
  policyDocument: unknown;
  /** Context values stringified for the backend (null kept as null). */
  context: Record<string, string | null>;
}

/** The cache; one per gateway, for all its stages. */
export interface AuthorizerCache {
  /** The entry for `key` if it has not expired at `nowMs`. */
  get(key: string, nowMs: number): CachedAuthorization | undefined;
  /** When the entry for `key` expires (epoch ms), or undefined without one. */
  expiresAt(key: string): number | undefined;
  /** Stores `value` for `ttlSeconds` (0 = not stored). */
  set(key: string, value: CachedAuthorization, ttlSeconds: number, nowMs: number): void;
  /** The unexpired entries as digests (never raw identity values), soonest to expire last. */
  entries(nowMs: number): CacheEntryView[];
  /** Drops every entry of every stage; returns how many there were (expired ones not counted). */
  flush(nowMs: number): number;
}

/** One cache entry as the admin server shows it. */
export interface CacheEntryView {
  /** The stage whose cache holds the entry. */
  stage: string;
  /** The authorizer's id (`AuthorizerId`) the entry belongs to. */
  authorizerId: string;
  /** {@link cacheKeyDigest} of the entry's key. */
  keyDigest: string;
  /** Each identity value's SHA-256 digest prefix (for a token: what `token list` shows). */
  identity: string[];
  principalId: string;
  ttlSecondsLeft: number;
}

/**
 * The digest prefix of a cache key, safe to print: it tells entries apart without the token.
 */
export function cacheKeyDigest(key: string): string {
  return digestPrefix(createHash("sha256").update(key, "utf8").digest("hex"));
}

/**
 * The cache key of a request: the stage, the authorizer id and every identity value, unambiguously
 * joined.
 */
export function cacheKey(stage: string, authorizerId: string, identityValues: readonly string[]): string {
  return JSON.stringify([stage, authorizerId, ...identityValues]);
}

/**
 * Creates an empty cache. Expired entries are dropped when read, and swept whenever the cache grows
 * past `maxEntries`, so a long-running local gateway does not keep every token it ever saw.
 */
export function createAuthorizerCache(maxEntries = 10_000): AuthorizerCache {
  const entries = new Map<string, { value: CachedAuthorization; expiresAt: number }>();
  return {
    get(key, nowMs) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (nowMs >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    expiresAt: (key) => entries.get(key)?.expiresAt,
    set(key, value, ttlSeconds, nowMs) {
      if (ttlSeconds <= 0) return;
      if (entries.size >= maxEntries) {
        for (const [k, e] of entries) if (nowMs >= e.expiresAt) entries.delete(k);
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      }
      entries.set(key, { value, expiresAt: nowMs + ttlSeconds * 1000 });
    },
    entries(nowMs) {
      const views: CacheEntryView[] = [];
      for (const [key, entry] of entries) {
        if (nowMs >= entry.expiresAt) continue;
        const [stage, authorizerId, ...values] = JSON.parse(key) as string[];
        views.push({
          stage: stage as string,
          authorizerId: authorizerId as string,
          keyDigest: cacheKeyDigest(key),
          identity: values.map((value) => digestPrefix(digestToken(value))),
          principalId: entry.value.principalId,
          ttlSecondsLeft: Math.ceil((entry.expiresAt - nowMs) / 1000),
        });
      }
      return views.sort((a, b) => b.ttlSecondsLeft - a.ttlSecondsLeft);
    },
    flush(nowMs) {
      let live = 0;
      for (const entry of entries.values()) if (nowMs < entry.expiresAt) live++;
      entries.clear();
      return live;
    },
  };
}
