/**
 * IAM policy documents read once into a checked form the evaluator can apply many times.
 *
 * Reading refuses what the project cannot evaluate faithfully (a malformed statement, an unknown
 * condition operator, a `Principal` in an identity policy) with an {@link ApigwTokenAuthError} naming
 * the policy, the statement and the element, instead of silently evaluating something else.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { PolicyStatement } from "../../handlers/shared/policy.js";
import { type ConditionTest, parseCondition } from "./policy-condition.js";

/** A statement after reading: lists normalised, action patterns lower-cased, conditions compiled. */
export interface ParsedStatement {
  /** Where the statement is, for messages: `policy "UserTable", Statement[1] (Sid "Read")`. */
  label: string;
  policyName: string;
  index: number;
  sid: string | undefined;
  effect: "Allow" | "Deny";
  /** Lower-cased `service:action` globs; `negated` for NotAction. */
  actions: { patterns: string[]; negated: boolean };
  /** ARN globs; `negated` for NotResource. */
  resources: { patterns: string[]; negated: boolean };
  conditions: ConditionTest[];
  /** The statement as written (for explanations). */
  source: PolicyStatement;
}

/** A policy document after reading. */
export interface ParsedPolicy {
  name: string;
  statements: ParsedStatement[];
}

/** What a reader accepts: identity policies may carry conditions; authorizer policies may not. */
export interface ParsePolicyOptions {
  /** Refuse `Condition` (API Gateway evaluates an authorizer policy without a request context). */
  conditions?: "evaluate" | "refuse";
}

/**
 * Reads a policy document (an object; parse the JSON text IAM APIs return first).
 */
export function parsePolicy(document: unknown, name: string, options: ParsePolicyOptions = {}): ParsedPolicy {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new ApigwTokenAuthError(`policy "${name}": the policy document must be an object`, {
      expected: "an object with Statement",
      actual: describe(document),
    });
  }
  const raw = (document as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  return {
    name,
    statements: statements.map((statement, index) => parseStatement(statement, name, index, options)),
  };
}

function parseStatement(
  statement: unknown,
  policyName: string,
  index: number,
  options: ParsePolicyOptions,
): ParsedStatement {
  const where = `Statement[${index}]`;
  const prefix = `policy "${policyName}", ${where}`;
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) {
    throw new ApigwTokenAuthError(`${prefix} must be an object`, { actual: describe(statement) });
  }
  const s = statement as Record<string, unknown>;
  if (s.Effect !== "Allow" && s.Effect !== "Deny") {
    throw new ApigwTokenAuthError(`${prefix}.Effect is invalid`, {
      expected: '"Allow" or "Deny"',
      actual: describe(s.Effect),
    });
  }
  for (const element of ["Principal", "NotPrincipal"]) {
    if (element in s) {
      throw new ApigwTokenAuthError(`${prefix}.${element}: a principal belongs in a resource policy`, {
        expected: "an identity policy statement (no Principal; resource policies are not evaluated)",
        actual: `a ${element} element`,
      });
    }
  }
  if ("Condition" in s && options.conditions === "refuse") {
    throw new ApigwTokenAuthError(`${prefix}.Condition is not supported`, {
      expected: "a statement without Condition",
      actual: "a Condition block",
    });
  }
  const sid = typeof s.Sid === "string" ? s.Sid : undefined;
  const label = sid === undefined ? prefix : `${prefix} (Sid "${sid}")`;
  const actions = patternList(s, "Action", "NotAction", prefix);
  for (const pattern of actions.patterns) {
    if (pattern !== "*" && !/^[a-z0-9*?-]+:[^:]+$/i.test(pattern)) {
      throw new ApigwTokenAuthError(`${prefix}: action ${JSON.stringify(pattern)} is not an IAM action`, {
        expected: '"*" or "service:Action" (wildcards allowed), e.g. "dynamodb:GetItem"',
        actual: JSON.stringify(pattern),
      });
    }
  }
  return {
    label,
    policyName,
    index,
    sid,
    effect: s.Effect,
    actions: { ...actions, patterns: actions.patterns.map((pattern) => pattern.toLowerCase()) },
    resources: patternList(s, "Resource", "NotResource", prefix),
    conditions: "Condition" in s ? parseCondition(s.Condition, `${prefix}.Condition`) : [],
    source: s as unknown as PolicyStatement,
  };
}

function patternList(
  s: Record<string, unknown>,
  present: string,
  absent: string,
  prefix: string,
): { patterns: string[]; negated: boolean } {
  if (present in s === absent in s) {
    throw new ApigwTokenAuthError(`${prefix} needs exactly one of ${present} and ${absent}`, {
      expected: `${present} or ${absent}`,
      actual: present in s ? "both" : "neither",
    });
  }
  const negated = absent in s;
  const value = negated ? s[absent] : s[present];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === "string")) {
    throw new ApigwTokenAuthError(`${prefix}.${negated ? absent : present} is invalid`, {
      expected: "a string or a non-empty list of strings",
      actual: describe(value),
    });
  }
  return { patterns: list as string[], negated };
}

/** A short description of a value for error messages (never the whole of a long string). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value;
}
