/**
 * The shared pieces of an authorizer step's trace: digests only (never a value), made once per
 * key and shared, made again when the sources behind a key change (a reloaded template).
 */
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import type { IdentitySource } from "../../../local/gateway/api-model-types.js";
import { cacheKey, cacheKeyDigest } from "../../../local/gateway/authorizer-cache.js";
import { expressionTrace, keyTrace, missingIdentityTrace } from "../../../local/gateway/authorizer-trace.js";

const header = (name: string): IdentitySource => ({
  kind: "header",
  name,
  expression: `method.request.header.${name}`,
});
const TOKEN = "tokenAbc123XYZ";

describe("local gateway: authorizer trace pieces", () => {
  it("shows a cache key as digests only, and the same frozen object for the same key", () => {
    const key = cacheKey("v1", "auth1", [TOKEN]);
    const shown = keyTrace(key, [header("Authorization")], [TOKEN]);
    expect(shown).to.deep.equal({
      keyDigest: cacheKeyDigest(key),
      identity: [{ source: "method.request.header.Authorization", digest: digestPrefix(digestToken(TOKEN)) }],
    });
    expect(JSON.stringify(shown)).to.not.include(TOKEN);
    expect(Object.isFrozen(shown) && Object.isFrozen(shown.identity)).to.equal(true);
    expect(keyTrace(cacheKey("v1", "auth1", [TOKEN]), [header("Authorization")], [TOKEN])).to.equal(shown);
  });

  it("shows the sources the template names now, after a reload changed them", () => {
    const key = cacheKey("v1", "auth2", [TOKEN]);
    keyTrace(key, [header("Authorization")], [TOKEN]);
    const reloaded = keyTrace(key, [header("X-Token")], [TOKEN]);
    expect(reloaded.identity[0]?.source).to.equal("method.request.header.X-Token");
  });

  it("shows a missing source without a digest, after the values read before it", () => {
    expect(missingIdentityTrace([header("A"), header("B")], ["first"], header("B"))).to.deep.equal([
      { source: "method.request.header.A", digest: digestPrefix(digestToken("first")) },
      { source: "method.request.header.B" },
    ]);
  });

  it("shows an IdentityValidationExpression as written, one shared object per outcome", () => {
    const expression = /^(?:^[a-zA-Z0-9]{3,32}$)$/;
    expect(expressionTrace(expression, false)).to.deep.equal({
      pattern: "^[a-zA-Z0-9]{3,32}$",
      matched: false,
    });
    expect(expressionTrace(expression, true)).to.equal(expressionTrace(expression, true));
    expect(expressionTrace(expression, true).matched).to.equal(true);
  });
});
