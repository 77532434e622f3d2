/**
 * The authorizer result cache: TTL, TTL 0, keys per identity values, bounded size.
 */
import { expect } from "chai";
import { cacheKey, createAuthorizerCache } from "../../../local/gateway/authorizer-cache.js";

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

  it("keys by authorizer and every identity value, without ambiguity", () => {
    expect(cacheKey("a", ["x,y"])).to.not.equal(cacheKey("a", ["x", "y"]));
    expect(cacheKey("a", ["t"])).to.not.equal(cacheKey("b", ["t"]));
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
});
