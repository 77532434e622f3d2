/**
 * An authorizer policy's decision for a method ARN, kept with the policy. API Gateway evaluates a
 * cached policy against every request's method ARN; the answer depends on nothing else (authorizer
 * policies carry no Condition), so each authorizer output is read once and evaluates a given method
 * ARN once — one evaluation, by the project's one evaluator, that yields both the decision and the
 * statement-by-statement trace every later request of that method ARN reuses.
 *
 * The memo belongs to the output object the cache holds: a flush, an expiry or a new policy (a new
 * output) starts afresh, and nothing here outlives the cache entry.
 */
import {
  explainParsedAuthorizerPolicy,
  parseAuthorizerPolicy,
  type StatementMatch,
} from "../../lib/iam/authorizer-policy.js";
import type { ParsedPolicy } from "../../lib/iam/policy-document.js";
import type { PolicyDecision } from "../../lib/iam/policy-evaluator.js";
import type { CachedAuthorization } from "./authorizer-cache.js";
import type { StatementTrace } from "./trace.js";

/** The decision for one method ARN and the trace's statements (shared and frozen: never mutate). */
export interface MethodDecision {
  /** The method ARN as first seen: one string for every trace of it, not one per request. */
  methodArn: string;
  decision: PolicyDecision;
  statements: readonly StatementTrace[];
}

/** At most this many method ARNs are remembered per policy (paths carry ids: `/user/42`, …). */
export const MAX_METHOD_ARNS_PER_POLICY = 256;

interface PolicyMemo {
  parsed: ParsedPolicy;
  byMethodArn: Map<string, MethodDecision>;
}

const memos = new WeakMap<CachedAuthorization, PolicyMemo>();

/**
 * Keeps `parsed` (`output.policyDocument` as read by `parseAuthorizerPolicy` when the output was
 * validated) with `output`, so that it is not read again.
 */
export function rememberPolicy(output: CachedAuthorization, parsed: ParsedPolicy): void {
  memos.set(output, { parsed, byMethodArn: new Map() });
}

/**
 * The decision of `output`'s policy for `methodArn`, evaluated on the first call for this pair and
 * remembered (the oldest method ARN forgotten past {@link MAX_METHOD_ARNS_PER_POLICY}).
 */
export function methodDecision(output: CachedAuthorization, methodArn: string): MethodDecision {
  let memo = memos.get(output);
  if (memo === undefined) {
    memo = { parsed: parseAuthorizerPolicy(output.policyDocument), byMethodArn: new Map() };
    memos.set(output, memo);
  }
  const known = memo.byMethodArn.get(methodArn);
  if (known !== undefined) return known;
  const explanation = explainParsedAuthorizerPolicy(memo.parsed, methodArn);
  const decided: MethodDecision = Object.freeze({
    methodArn,
    decision: explanation.decision,
    statements: Object.freeze(explanation.statements.map(statementTrace)),
  });
  if (memo.byMethodArn.size >= MAX_METHOD_ARNS_PER_POLICY) {
    memo.byMethodArn.delete(memo.byMethodArn.keys().next().value as string);
  }
  memo.byMethodArn.set(methodArn, decided);
  return decided;
}

function statementTrace({ statement, matched }: StatementMatch): StatementTrace {
  const { patterns, negated } = statement.resources;
  return Object.freeze({
    index: statement.index,
    ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
    effect: statement.effect,
    resources: Object.freeze(negated ? patterns.map((pattern) => `NotResource: ${pattern}`) : [...patterns]),
    matched,
  });
}
