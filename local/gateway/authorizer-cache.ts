/**
 * The authorizer result cache: the authorizer's output (policy, principal, context) kept per
 * authorizer and token / identity-source values for the authorizer's TTL.
 *
 * What is cached is the policy, not a decision: every hit re-evaluates the cached policy against the
 * new request's method ARN, as API Gateway does (so a policy naming only the first method denies the
 * next one). Errors and `Unauthorized` are never stored.
 */

/** A successful, validated authorizer output. */
export interface CachedAuthorization {
  principalId: string;
  policyDocument: unknown;
  /** Context values stringified for the backend (null kept as null). */
  context: Record<string, string | null>;
}

/** The cache; one per gateway. */
export interface AuthorizerCache {
  /** The entry for `key` if it has not expired at `nowMs`. */
  get(key: string, nowMs: number): CachedAuthorization | undefined;
  /** Stores `value` for `ttlSeconds` (0 = not stored). */
  set(key: string, value: CachedAuthorization, ttlSeconds: number, nowMs: number): void;
}

/**
 * The cache key of a request: the authorizer id and every identity value, unambiguously joined.
 *
 * @example
 * ```ts
 * cacheKey("auth1", ["Bearer abc"]); // '["auth1","Bearer abc"]'
 * ```
 */
export function cacheKey(authorizerId: string, identityValues: readonly string[]): string {
  return JSON.stringify([authorizerId, ...identityValues]);
}

/**
 * Creates an empty cache. Expired entries are dropped when read, and swept whenever the cache grows
 * past `maxEntries`, so a long-running local gateway does not keep every token it ever saw.
 *
 * @example
 * ```ts
 * const cache = createAuthorizerCache();
 * cache.set(key, { principalId: "alice", policyDocument, context: {} }, 300, Date.now());
 * cache.get(key, Date.now())?.principalId; // "alice"
 * ```
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
    set(key, value, ttlSeconds, nowMs) {
      if (ttlSeconds <= 0) return;
      if (entries.size >= maxEntries) {
        for (const [k, e] of entries) if (nowMs >= e.expiresAt) entries.delete(k);
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      }
      entries.set(key, { value, expiresAt: nowMs + ttlSeconds * 1000 });
    },
  };
}
