/**
 * Evaluating a Lambda authorizer's `policyDocument` the way API Gateway does: for
 * `execute-api:Invoke` on the request's method ARN, with the project's one IAM evaluator.
 *
 * API Gateway caches the policy per token and re-evaluates it against every later method ARN, so
 * the local gateway calls this on every request, cache hit or not. A policy with a `Condition` is
 * refused (there is no request context to decide it with), as is anything that is not a policy:
 * API Gateway answers such an authorizer with 500.
 */
import { INVOKE_ACTION } from "../../handlers/shared/policy.js";
import { type ParsedPolicy, type ParsedStatement, parsePolicy } from "./policy-document.js";
import { type AccessDecision, evaluatePolicies, type PolicyDecision } from "./policy-evaluator.js";

/**
 * The decision for `execute-api:Invoke` on `methodArn`, with the statement that made it. Throws
 * ApigwTokenAuthError for a document that is not an authorizer policy.
 */
export function evaluateAuthorizerPolicy(policy: unknown, methodArn: string): AccessDecision {
  return evaluatePolicies([parseAuthorizerPolicy(policy)], { action: INVOKE_ACTION, resource: methodArn });
}

/**
 * Just the decision of {@link evaluateAuthorizerPolicy}.
 *
 * @example
 * ```ts
 * import { buildAllowPolicy } from "../../handlers/shared/policy.js";
 *
 * const arn = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/7"; // the request's methodArn
 * const policy = buildAllowPolicy(arn, ["GET /user/*"]);
 * evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/7"); // "Allow"
 * evaluatePolicy(policy, "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/PUT/user");   // "ImplicitDeny"
 * ```
 */
export function evaluatePolicy(policy: unknown, methodArn: string): PolicyDecision {
  return evaluateAuthorizerPolicy(policy, methodArn).decision;
}

/** One statement of an authorizer policy and whether it applies to the method ARN. */
export interface StatementMatch {
  statement: ParsedStatement;
  matched: boolean;
}

/**
 * Reads an authorizer's `policyDocument` once, for {@link explainParsedAuthorizerPolicy} against
 * many method ARNs (the local gateway keeps it with the cached policy). Throws ApigwTokenAuthError
 * for a document that is not an authorizer policy.
 */
export function parseAuthorizerPolicy(policy: unknown): ParsedPolicy {
  return parsePolicy(policy, "policyDocument", { conditions: "refuse" });
}

/** An authorizer policy's decision for one method ARN, with every statement and whether it applied. */
export type AuthorizerPolicyExplanation = AccessDecision & { statements: StatementMatch[] };

/**
 * {@link evaluateAuthorizerPolicy} with every statement and whether it applied, for the local
 * gateway's decision trace and `token explain`. The decision is the evaluator's own.
 */
export function explainAuthorizerPolicy(policy: unknown, methodArn: string): AuthorizerPolicyExplanation {
  return explainParsedAuthorizerPolicy(parseAuthorizerPolicy(policy), methodArn);
}

/**
 * {@link explainAuthorizerPolicy} of a policy read with {@link parseAuthorizerPolicy}.
 */
export function explainParsedAuthorizerPolicy(
  parsed: ParsedPolicy,
  methodArn: string,
): AuthorizerPolicyExplanation {
  const statements: StatementMatch[] = [];
  const decision = evaluatePolicies(
    [parsed],
    { action: INVOKE_ACTION, resource: methodArn },
    (statement, matched) => statements.push({ statement, matched }),
  );
  return { ...decision, statements };
}
