/**
 * The shared pieces of an authorizer step's trace: digests only (never a value), made once per
 * key and shared, made again when the sources behind a key change (a reloaded template).
 */
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import type { AuthorizerModel, IdentitySource } from "../../../local/gateway/api-model-types.js";
import {
  type CachedAuthorization,
  cacheKey,
  cacheKeyDigest,
} from "../../../local/gateway/authorizer-cache.js";
import { methodDecision } from "../../../local/gateway/authorizer-decision.js";
import {
  cacheHitTrace,
  expressionTrace,
  keyTrace,
  missingIdentityTrace,
} from "../../../local/gateway/authorizer-trace.js";

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

  describe("a cache hit's step", () => {
    const ARN = "arn:aws:execute-api:us-east-1:123456789012:api1/v1";
    const authorizer: AuthorizerModel = {
      id: "auth3",
      logicalId: "TokenAuthorizer",
      type: "TOKEN",
      functionArn: "arn:aws:lambda:us-east-1:123456789012:function:authorizer",
      identitySources: [header("Authorization")],
      validationExpression: /^(?:^[a-zA-Z0-9]{3,32}$)$/,
      ttlSeconds: 300,
      credentials: undefined,
      invoke: { allowed: true, by: "AuthorizerPermission" },
    };
    const output: CachedAuthorization = {
      principalId: "alice",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: `${ARN}/PUT/user` }],
      },
      context: {},
    };
    const identity = { key: cacheKey("v1", "auth3", [TOKEN]), values: [TOKEN] };
    const key = keyTrace(identity.key, authorizer.identitySources, identity.values);
    const hit = (methodArn: string, ttlSecondsLeft: number, model = authorizer) =>
      cacheHitTrace({
        authorizer: model,
        identity,
        output,
        decided: methodDecision(output, methodArn),
        ttlSecondsLeft,
      });

    it("shows the cache, the statements and the decision for the request's method ARN", () => {
      const trace = hit(`${ARN}/GET/user/42`, 212);
      expect(JSON.parse(JSON.stringify(trace))).to.deep.equal({
        name: "TokenAuthorizer",
        type: "TOKEN",
        ttlSeconds: 300,
        identity: key.identity,
        methodArn: `${ARN}/GET/user/42`,
        validationExpression: { pattern: "^[a-zA-Z0-9]{3,32}$", matched: true },
        cache: "hit",
        cacheKey: key.keyDigest,
        ttlSecondsLeft: 212,
        principalId: "alice",
        decision: "ImplicitDeny",
        statements: [{ index: 0, effect: "Allow", resources: [`${ARN}/PUT/user`], matched: false }],
      });
      expect(Object.isFrozen(trace)).to.equal(true);
    });

    it("is one object for the hits alike, a new one when the TTL left, the method or the model changes", () => {
      const first = hit(`${ARN}/PUT/user`, 100);
      expect(hit(`${ARN}/PUT/user`, 100)).to.equal(first);
      const later = hit(`${ARN}/PUT/user`, 99);
      expect(later).to.not.equal(first);
      expect(later.ttlSecondsLeft).to.equal(99);
      expect(hit(`${ARN}/GET/user/1`, 99).methodArn).to.equal(`${ARN}/GET/user/1`);
      const reloaded = hit(`${ARN}/PUT/user`, 99, { ...authorizer, ttlSeconds: 60 });
      expect(reloaded.ttlSeconds).to.equal(60);
      expect(reloaded.decision).to.equal("Allow");
    });

    it("shows the identity source a reloaded template reads, and no expression without one", () => {
      const reloaded = {
        ...authorizer,
        identitySources: [header("X-Token")],
        validationExpression: undefined,
      };
      const trace = hit(`${ARN}/PUT/user`, 98, reloaded);
      expect(trace.identity).to.deep.equal([
        { source: "method.request.header.X-Token", digest: digestPrefix(digestToken(TOKEN)) },
      ]);
      expect(trace.validationExpression).to.equal(undefined);
      expect(JSON.stringify(trace)).to.not.include(TOKEN);
    });
  });
});
