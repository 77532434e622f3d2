/**
 * The template's `Conditions` section: `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or` and
 * `Condition` references, decided once from parameters and pseudo parameters.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { type IntrinsicContext, resolveValue } from "./intrinsics.js";

/** What a condition may read: everything but resources (CloudFormation forbids those there). */
export type ConditionContext = Omit<IntrinsicContext, "condition" | "resource">;

/**
 * Decides every condition of the template, following `Condition` references (a cycle is an error).
 */
export function evaluateConditions(
  conditions: Record<string, unknown>,
  context: ConditionContext,
): Record<string, boolean> {
  const decided: Record<string, boolean> = {};
  const evaluating = new Set<string>();

  const condition = (name: string, path: string): boolean => {
    const known = decided[name];
    if (known !== undefined) return known;
    if (!(name in conditions)) {
      throw new ApigwTokenAuthError(`${path}: unknown condition ${name}`, {
        expected: `one of ${Object.keys(conditions).join(", ") || "(no conditions)"}`,
        actual: name,
      });
    }
    if (evaluating.has(name)) {
      throw new ApigwTokenAuthError(`Conditions.${name}: refers to itself`, {
        expected: "conditions without cycles",
        actual: [...evaluating, name].join(" → "),
      });
    }
    evaluating.add(name);
    const result = evaluate(conditions[name], `Conditions.${name}`);
    evaluating.delete(name);
    decided[name] = result;
    return result;
  };

  const intrinsics: IntrinsicContext = {
    ...context,
    condition,
    resource: (logicalId, path) => {
      throw new ApigwTokenAuthError(`${path}: a condition cannot refer to resource ${logicalId}`, {
        expected: "parameters, pseudo parameters and mappings",
        actual: logicalId,
      });
    },
  };

  function evaluate(expression: unknown, path: string): boolean {
    const entries = expression !== null && typeof expression === "object" ? Object.entries(expression) : [];
    const [entry] = entries;
    if (entries.length !== 1 || !entry) return fail(path, expression);
    const [name, argument] = entry;
    const items = Array.isArray(argument) ? argument : [];
    switch (name) {
      case "Condition":
        return typeof argument === "string" ? condition(argument, path) : fail(path, expression);
      case "Fn::Equals": {
        if (items.length !== 2) return fail(path, expression);
        const [left, right] = items.map((item, index) =>
          resolveValue(item, intrinsics, `${path}.Fn::Equals[${index}]`),
        );
        return JSON.stringify(normalise(left)) === JSON.stringify(normalise(right));
      }
      case "Fn::Not":
        return items.length === 1 ? !evaluate(items[0], `${path}.Fn::Not[0]`) : fail(path, expression);
      case "Fn::And":
      case "Fn::Or": {
        if (items.length < 2 || items.length > 10) return fail(path, expression);
        const results = items.map((item, index) => evaluate(item, `${path}.${name}[${index}]`));
        return name === "Fn::And" ? results.every(Boolean) : results.some(Boolean);
      }
      default:
        return fail(path, expression);
    }
  }

  for (const name of Object.keys(conditions)) condition(name, `Conditions.${name}`);
  return decided;
}

/** CloudFormation compares values as strings: `!Equals [!Ref Count, 3]` holds for "3". */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

function fail(path: string, expression: unknown): never {
  throw new ApigwTokenAuthError(`${path}: not a condition expression`, {
    expected: "Fn::Equals [a, b], Fn::Not [c], Fn::And/Fn::Or [2 to 10 conditions] or Condition: name",
    actual: JSON.stringify(expression)?.slice(0, 200) ?? "undefined",
  });
}
