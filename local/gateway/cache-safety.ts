/**
 * The cache-unsafe authorizer warning. API Gateway caches an authorizer's policy per identity and
 * evaluates the cached policy against every later method: an authorizer that returns a policy for
 * `event.methodArn` only (the classic mistake) allows the first method and denies the next one for
 * the rest of the TTL — "the second endpoint answers 403 for five minutes".
 *
 * When a cached policy denies a method, this asks the authorizer afresh for that method, after the
 * response is sent (never on the request path). If the fresh policy allows it, the cached one was
 * only ever right for the method that filled the cache: it says so once per authorizer, with the fix.
 */
import { evaluatePolicy } from "../../lib/iam/authorizer-policy.js";
import type { AuthorizerModel } from "./api-model-types.js";
import type { LambdaInvoker } from "./types.js";

/** Checks cached denials for cache-unsafe authorizers. */
export interface CacheSafetyCheck {
  /**
   * After a cached policy of `authorizer` denied `methodArn`: schedules a fresh call with `event`
   * (the authorizer's event for this request) and warns if it would have allowed it.
   */
  afterCachedDeny(authorizer: AuthorizerModel, event: unknown, methodArn: string): void;
  /** Resolves when the checks started so far have finished (for tests and shutdown). */
  settled(): Promise<void>;
}

/** At most this many (authorizer, method ARN) pairs are remembered as checked. */
const MAX_CHECKED = 1000;

/**
 * Creates the check of one gateway.
 */
export function createCacheSafetyCheck(deps: {
  lambda: LambdaInvoker;
  log: (line: string) => void;
}): CacheSafetyCheck {
  const warned = new Set<string>();
  const checked = new Set<string>();
  const running = new Set<Promise<void>>();

  async function check(authorizer: AuthorizerModel, event: unknown, methodArn: string): Promise<void> {
    const outcome = await deps.lambda.invoke(authorizer.functionArn, event);
    if (outcome.kind !== "result" || warned.has(authorizer.id)) return;
    let fresh: string;
    try {
      fresh = evaluatePolicy(
        (outcome.payload as { policyDocument?: unknown } | null)?.policyDocument,
        methodArn,
      );
    } catch {
      return; // An unusable policy is reported on its own request.
    }
    if (fresh !== "Allow") return;
    warned.add(authorizer.id);
    deps.log(cacheUnsafeWarning(authorizer, methodArn));
  }

  return {
    afterCachedDeny(authorizer, event, methodArn) {
      const pair = `${authorizer.id} ${methodArn}`;
      if (warned.has(authorizer.id) || checked.has(pair)) return;
      if (checked.size >= MAX_CHECKED) checked.clear();
      checked.add(pair);
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => check(authorizer, event, methodArn))
        .catch(() => undefined)
        .finally(() => running.delete(run));
      running.add(run);
    },
    async settled() {
      await Promise.all([...running]);
    },
  };
}

/**
 * The warning, in words: what is wrong and the two ways to fix it.
 */
export function cacheUnsafeWarning(authorizer: AuthorizerModel, methodArn: string): string {
  const method = methodArn.split("/").slice(2).join("/");
  return [
    `warning: authorizer ${authorizer.logicalId} is cache-unsafe: its cached policy denied ${method}, but a fresh call for ${method} allows it.`,
    "  Its policy covers only the method that triggered it; with AuthorizerResultTtlInSeconds",
    `  ${authorizer.ttlSeconds} every other method gets 403 until the cached policy expires.`,
    "  Fix: return a policy for every method the caller may use (e.g. buildAllowPolicy with the",
    "  token's scopes, or a wildcard resource for the stage), or set AuthorizerResultTtlInSeconds to 0.",
  ].join("\n");
}
