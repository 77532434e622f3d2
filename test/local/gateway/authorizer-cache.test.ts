/**
 * The authorizer result cache: TTL, TTL 0, keys per identity values, bounded size.
 */
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { cacheKey, cacheKeyDigest, createAuthorizerCache } from "../../../local/gateway/authorizer-cache.js";

const entry = (principalId: string) => ({ principalId, policyDocument: {}, context: {} });

describe("local gateway: authorizer cache", () => {
  it("keeps an entry for exactly its TTL", () => {
    const cache = createAuthorizerCache();
    cache.set("k", entry("a"), 10, 1_000);
    expect(cache.get("k", 10_999)?.principalId).to.equal("a");
    expect(cache.get("k", 11_000)).to.equal(undefined);
  });

  it("stores nothing with a TTL of 0", () => {
    const cache = createAuthorizerCache();
    cache.set("k", entry("a"), 0, 0);
    expect(cache.get("k", 0)).to.equal(undefined);
  });

  it("keys by stage, authorizer and every identity value, without ambiguity", () => {
    expect(cacheKey("v1", "a", ["x,y"])).to.not.equal(cacheKey("v1", "a", ["x", "y"]));
    expect(cacheKey("v1", "a", ["t"])).to.not.equal(cacheKey("v1", "b", ["t"]));
    expect(cacheKey("v1", "a", ["t"])).to.not.equal(cacheKey("prod", "a", ["t"]));
  });

  it("drops expired entries, then the oldest, when full", () => {
    const cache = createAuthorizerCache(2);
    cache.set("old", entry("o"), 1, 0);
    cache.set("live", entry("l"), 100, 0);
    cache.set("new", entry("n"), 100, 5_000);
    expect(cache.get("live", 5_000)?.principalId).to.equal("l");
    cache.set("newer", entry("m"), 100, 5_000);
    expect(cache.get("live", 5_000)).to.equal(undefined);
    expect(cache.get("new", 5_000)?.principalId).to.equal("n");
    expect(cache.get("newer", 5_000)?.principalId).to.equal("m");
  });

  it("lists every stage's live entries as digests only, labelled by stage, and flushes them all", () => {
    const cache = createAuthorizerCache();
    const key = cacheKey("v1", "auth1", ["tokenAAA111"]);
    const prodKey = cacheKey("prod", "auth1", ["tokenAAA111"]);
    cache.set(key, entry("alice"), 300, 0);
    cache.set(prodKey, entry("alice"), 200, 0);
    cache.set(cacheKey("v1", "auth1", ["gone"]), entry("bob"), 1, 0);
    const entries = cache.entries(88_500);
    const identity = [digestPrefix(digestToken("tokenAAA111"))];
    expect(entries).to.deep.equal([
      {
        stage: "v1",
        authorizerId: "auth1",
        keyDigest: cacheKeyDigest(key),
        identity,
        principalId: "alice",
        ttlSecondsLeft: 212,
      },
      {
        stage: "prod",
        authorizerId: "auth1",
        keyDigest: cacheKeyDigest(prodKey),
        identity,
        principalId: "alice",
        ttlSecondsLeft: 112,
      },
    ]);
    expect(JSON.stringify(entries)).to.not.include("tokenAAA111");
    expect(cache.expiresAt(key)).to.equal(300_000);
    expect(cache.flush(88_500)).to.equal(2);
    expect(cache.get(key, 88_500)).to.equal(undefined);
    expect(cache.get(prodKey, 88_500)).to.equal(undefined);
    expect(cache.entries(0)).to.deep.equal([]);
  });
});
