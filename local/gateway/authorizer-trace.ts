/**
 * The pieces of an authorizer step's trace that repeat request after request — the identity
 * digests and cache-key digest of a token seen before, the IdentityValidationExpression outcome —
 * made once and shared (frozen) by every trace that shows them.
 *
 * Why: hashing the same token on every request was most of what the trace cost at first; then,
 * with the inspector's ring keeping the last requests alive, every object of a kept trace is
 * copied by the garbage collector as it ages (the decision trace cost 20 % of a cached 403's
 * throughput). A trace shares what does not change and owns only what is its request's alone; a
 * cache hit's whole step is shared by the hits alike (same policy, method ARN and second of TTL left).
 */
import { digestPrefix, digestToken } from "../../handlers/shared/token.js";
import type { AuthorizerModel, IdentitySource } from "./api-model-types.js";
import { type CachedAuthorization, cacheKeyDigest } from "./authorizer-cache.js";
import type { MethodDecision } from "./authorizer-decision.js";
import { type AuthorizerTrace, type IdentityTrace, newAuthorizerTrace } from "./trace.js";

/** What a trace shows of one cache key: its digest and the identity values' digests. */
export interface KeyTrace {
  keyDigest: string;
  identity: readonly IdentityTrace[];
}

/** Keys seen lately (they hold raw identity values, so only here, never printed); bounded like the cache. */
const recentKeys = new Map<string, KeyTrace>();
const MAX_RECENT_KEYS = 10_000;

/**
 * The trace of cache key `key` (`cacheKey(authorizer id, values)`) of identity `values` read from
 * `sources`: worked out (hashed) the first time, then the same frozen object.
 */
export function keyTrace(
  key: string,
  sources: readonly IdentitySource[],
  values: readonly string[],
): KeyTrace {
  let known = recentKeys.get(key);
  // A reloaded template may read the same authorizer's values from other sources.
  if (known === undefined || known.identity.some((entry, i) => entry.source !== sources[i]?.expression)) {
    if (recentKeys.size >= MAX_RECENT_KEYS) recentKeys.clear();
    known = Object.freeze({
      keyDigest: cacheKeyDigest(key),
      identity: Object.freeze(values.map((value, i) => identityTrace(sources[i] as IdentitySource, value))),
    });
    recentKeys.set(key, known);
  }
  return known;
}

/**
 * The identity of a request that lacks `missing` (401 without calling the authorizer): the values
 * read before it, then the missing source without a digest. Not remembered: the authorizer's
 * key is incomplete, and this path is not a hot one.
 */
export function missingIdentityTrace(
  sources: readonly IdentitySource[],
  values: readonly string[],
  missing: IdentitySource,
): IdentityTrace[] {
  return [
    ...values.map((value, i) => identityTrace(sources[i] as IdentitySource, value)),
    { source: missing.expression },
  ];
}

/** Only a digest prefix: the value is a token (or another secret) as often as not. */
function identityTrace(source: IdentitySource, value: string): IdentityTrace {
  return Object.freeze({ source: source.expression, digest: digestPrefix(digestToken(value)) });
}

type ExpressionTrace = NonNullable<AuthorizerTrace["validationExpression"]>;
const expressionTraces = new WeakMap<RegExp, Record<"true" | "false", ExpressionTrace>>();

/**
 * The trace of an IdentityValidationExpression's outcome, the expression shown as written (the
 * model compiles it as a whole match, `^(?:<as written>)$`).
 */
export function expressionTrace(expression: RegExp, matched: boolean): ExpressionTrace {
  let known = expressionTraces.get(expression);
  if (known === undefined) {
    const pattern = /^\^\(\?:([\s\S]*)\)\$$/.exec(expression.source)?.[1] ?? expression.source;
    known = {
      true: Object.freeze({ pattern, matched: true }),
      false: Object.freeze({ pattern, matched: false }),
    };
    expressionTraces.set(expression, known);
  }
  return known[matched ? "true" : "false"];
}

/** What a cache hit's step trace is made of. */
export interface CacheHitParts {
  authorizer: AuthorizerModel;
  /** The cache key and the identity values it was made of (read for a new trace only). */
  identity: { key: string; values: readonly string[] };
  /** The cached output, and its remembered decision for the request's method ARN. */
  output: CachedAuthorization;
  decided: MethodDecision;
  ttlSecondsLeft: number;
}

/**
 * The last hit trace made per decision (a decision belongs to one cached output, so to one cache
 * key, and one method ARN), with the authorizer model it was made for: a reloaded template's model
 * is a new object, and may read the identity from other sources.
 */
const hitTraces = new WeakMap<MethodDecision, { authorizer: AuthorizerModel; trace: AuthorizerTrace }>();

/**
 * The trace of an authorizer step the cache answered: frozen, and the same object for every hit
 * that would show the same thing — under load, hundreds of requests a second share one, and only
 * the first of each second looks up its key's digests.
 */
export function cacheHitTrace(parts: CacheHitParts): AuthorizerTrace {
  const { authorizer, identity, output, decided, ttlSecondsLeft } = parts;
  const last = hitTraces.get(decided);
  if (last !== undefined && last.authorizer === authorizer && last.trace.ttlSecondsLeft === ttlSecondsLeft) {
    return last.trace;
  }
  const key = keyTrace(identity.key, authorizer.identitySources, identity.values);
  const expression = authorizer.type === "TOKEN" ? authorizer.validationExpression : undefined;
  const trace = newAuthorizerTrace(authorizer, decided.methodArn);
  trace.identity = key.identity;
  // A hit means the token matched the expression: a failing one is refused before the cache.
  if (expression) trace.validationExpression = expressionTrace(expression, true);
  trace.cache = "hit";
  trace.cacheKey = key.keyDigest;
  trace.ttlSecondsLeft = ttlSecondsLeft;
  trace.principalId = output.principalId;
  trace.decision = decided.decision;
  trace.statements = decided.statements;
  hitTraces.set(decided, { authorizer, trace: Object.freeze(trace) });
  return trace;
}
