/**
 * The project's one IAM policy evaluator: identity policies (a role's inline and managed policies,
 * for the local DynamoDB gate, invoke permissions, the deployer-policy test and `token explain`) and
 * Lambda authorizer policies (authorizer-policy.ts) are decided here.
 *
 * IAM's rule for identity policies within one account: every statement of every policy is checked;
 * a matching Deny wins ("explicit deny"), else a matching Allow allows, else the request is denied
 * implicitly. The decision names the statement that decided it, so a refusal can say why.
 */
import { arnMatches, globMatches } from "./arn-match.js";
import {
  type ContextLookup,
  conditionHolds,
  contextLookup,
  type RequestContext,
} from "./policy-condition.js";
import type { ParsedPolicy, ParsedStatement } from "./policy-document.js";

/** The outcome of an evaluation. */
export type PolicyDecision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** The call being authorized. */
export interface AccessRequest {
  /** `service:Action`, e.g. `dynamodb:GetItem` (case-insensitive, as in IAM). */
  action: string;
  /** The resource ARN, e.g. `arn:aws:dynamodb:us-east-1:000000000000:table/users`. */
  resource: string;
  /** Condition keys of the request (`dynamodb:Attributes`, `aws:SecureTransport`, ...). */
  context?: RequestContext;
}

/** The decision, and for Allow and ExplicitDeny the statement that made it. */
export interface AccessDecision {
  decision: PolicyDecision;
  statement?: ParsedStatement;
}

/**
 * Decides `request` against `policies` (read with `parsePolicy`).
 *
 * @example
 * ```ts
 * import { parsePolicy } from "./policy-document.js";
 *
 * const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/demo-users";
 * const document = {
 *   Version: "2012-10-17",
 *   Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: tableArn }],
 * };
 * const role = [parsePolicy(document, "UserTableAccess")];
 * const result = evaluatePolicies(role, { action: "dynamodb:DeleteItem", resource: tableArn });
 * if (result.decision !== "Allow") console.log(result.decision, result.statement?.label);
 * ```
 */
export function evaluatePolicies(
  policies: readonly ParsedPolicy[],
  request: AccessRequest,
  /** Called with every statement and whether it applies (then no statement is skipped after a Deny). */
  onStatement?: (statement: ParsedStatement, applies: boolean) => void,
): AccessDecision {
  const action = request.action.toLowerCase();
  const context = contextLookup(request.context);
  let allowedBy: ParsedStatement | undefined;
  let deniedBy: ParsedStatement | undefined;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      const applies = statementApplies(statement, action, request.resource, context);
      onStatement?.(statement, applies);
      if (!applies) continue;
      if (statement.effect === "Deny") {
        deniedBy ??= statement;
        if (!onStatement) return { decision: "ExplicitDeny", statement };
      } else allowedBy ??= statement;
    }
  }
  if (deniedBy !== undefined) return { decision: "ExplicitDeny", statement: deniedBy };
  return allowedBy === undefined ? { decision: "ImplicitDeny" } : { decision: "Allow", statement: allowedBy };
}

/**
 * Whether a statement applies to a request: its action, resource and every condition match.
 * `action` must already be lower-cased.
 */
export function statementApplies(
  statement: ParsedStatement,
  action: string,
  resource: string,
  context: ContextLookup,
): boolean {
  const { actions, resources } = statement;
  const actionListed = actions.patterns.some((pattern) => globMatches(pattern, action));
  if (actionListed === actions.negated) return false;
  const resourceListed = resources.patterns.some((pattern) => arnMatches(pattern, resource));
  if (resourceListed === resources.negated) return false;
  return statement.conditions.every((test) => conditionHolds(test, context));
}

/**
 * One line naming a decision and its statement, for logs and `token explain`.
 */
export function describeDecision(result: AccessDecision): string {
  if (result.statement === undefined) return `${result.decision}: no statement allows it`;
  return `${result.decision} by ${result.statement.label}`;
}
