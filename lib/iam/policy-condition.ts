/**
 * The `Condition` element of IAM policy statements: reading it, and deciding it against a request
 * context, with IAM's documented rules:
 * - operators AND'd, keys under one operator AND'd, the values of one key OR'd (NOR'd for a negated
 *   operator such as `StringNotEquals`: "matches none of them");
 * - a key absent from the request makes the condition false, except that negated operators are then
 *   true, `…IfExists` operators are true, `ForAllValues:` is true (vacuously) and `Null` tests
 *   presence itself;
 * - `ForAllValues:` needs every value of a multi-valued key to satisfy the operator, `ForAnyValue:`
 *   at least one.
 * Condition key names are case-insensitive; values are compared as strings (numbers, dates and
 * booleans parsed first), as IAM does.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { arnMatches, globMatches } from "./arn-match.js";

/** One value of a request-context key (IAM compares them as strings). */
export type ContextScalar = string | number | boolean;

/** A request-context value: single-valued, or a list for multi-valued keys (`dynamodb:Attributes`). */
export type ContextValue = ContextScalar | readonly ContextScalar[];

/** The request context a condition is decided against: key (any case) → value; absent = not in the request. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

/** A request context ready for lookups: lower-cased keys, values as lists of strings. */
export type ContextLookup = ReadonlyMap<string, readonly string[]>;

interface OperatorRule {
  /** Whether the policy value `expected` matches the request's `actual` value. */
  matches: (expected: string, actual: string) => boolean;
  negated: boolean;
  /** Refuses a policy value the operator cannot compare (returns the reason). */
  invalid?: (expected: string) => string | undefined;
}

const notNumber = (value: string) => (Number.isFinite(Number(value)) ? undefined : "not a number");
const notBool = (value: string) => (/^(true|false)$/i.test(value) ? undefined : 'not "true" or "false"');

function notDate(value: string): string | undefined {
  return Number.isNaN(parseDate(value)) ? "not an ISO 8601 date or epoch seconds" : undefined;
}

/** Epoch milliseconds of an ISO 8601 date or of epoch seconds; NaN for anything else. */
function parseDate(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
}

function numeric(compare: (actual: number, expected: number) => boolean, negated = false): OperatorRule {
  return {
    matches: (expected, actual) => {
      const a = Number(actual);
      return actual.trim() !== "" && Number.isFinite(a) && compare(a, Number(expected));
    },
    negated,
    invalid: notNumber,
  };
}

function date(compare: (actual: number, expected: number) => boolean, negated = false): OperatorRule {
  return {
    matches: (expected, actual) => {
      const a = parseDate(actual);
      return !Number.isNaN(a) && compare(a, parseDate(expected));
    },
    negated,
    invalid: notDate,
  };
}

const equal = (expected: string, actual: string) => expected === actual;
const equalIgnoringCase = (expected: string, actual: string) =>
  expected.toLowerCase() === actual.toLowerCase();

/** The operators this evaluator decides; any other is refused when the policy is read. */
const OPERATORS: Readonly<Record<string, OperatorRule>> = {
  StringEquals: { matches: equal, negated: false },
  StringNotEquals: { matches: equal, negated: true },
  StringEqualsIgnoreCase: { matches: equalIgnoringCase, negated: false },
  StringNotEqualsIgnoreCase: { matches: equalIgnoringCase, negated: true },
  StringLike: { matches: globMatches, negated: false },
  StringNotLike: { matches: globMatches, negated: true },
  NumericEquals: numeric((a, e) => a === e),
  NumericNotEquals: numeric((a, e) => a === e, true),
  NumericLessThan: numeric((a, e) => a < e),
  NumericLessThanEquals: numeric((a, e) => a <= e),
  NumericGreaterThan: numeric((a, e) => a > e),
  NumericGreaterThanEquals: numeric((a, e) => a >= e),
  DateEquals: date((a, e) => a === e),
  DateNotEquals: date((a, e) => a === e, true),
  DateLessThan: date((a, e) => a < e),
  DateLessThanEquals: date((a, e) => a <= e),
  DateGreaterThan: date((a, e) => a > e),
  DateGreaterThanEquals: date((a, e) => a >= e),
  Bool: { matches: equalIgnoringCase, negated: false, invalid: notBool },
  ArnEquals: { matches: arnMatches, negated: false },
  ArnLike: { matches: arnMatches, negated: false },
  ArnNotEquals: { matches: arnMatches, negated: true },
  ArnNotLike: { matches: arnMatches, negated: true },
};

/** One operator/key pair of a Condition block, ready to decide. */
export interface ConditionTest {
  /** The operator as written, e.g. `ForAllValues:StringEqualsIfExists`. */
  operator: string;
  /** The condition key, lower-cased (keys are case-insensitive). */
  key: string;
  /** The policy's values, as strings. */
  values: string[];
  set: "ForAllValues" | "ForAnyValue" | undefined;
  ifExists: boolean;
  /** `Null` tests presence; every other operator compares values with its rule. */
  rule: OperatorRule | "Null";
}

/**
 * Reads a statement's Condition block into tests; `where` prefixes error messages.
 */
export function parseCondition(block: unknown, where: string): ConditionTest[] {
  if (!isRecord(block)) {
    throw new ApigwTokenAuthError(`${where} must be an object of operators`, { actual: typeOf(block) });
  }
  return Object.entries(block).flatMap(([operator, keys]) => {
    const { set, base, ifExists } = splitOperator(operator);
    const rule = base === "Null" && !ifExists && set === undefined ? "Null" : OPERATORS[base];
    if (rule === undefined) {
      throw new ApigwTokenAuthError(
        `${where}: condition operator ${JSON.stringify(operator)} is not evaluated locally`,
        {
          expected: `[ForAllValues:|ForAnyValue:]<${Object.keys(OPERATORS).join("|")}>[IfExists], or Null`,
          actual: JSON.stringify(operator),
        },
      );
    }
    if (!isRecord(keys)) {
      throw new ApigwTokenAuthError(`${where}.${operator} must be an object of condition keys`, {
        actual: typeOf(keys),
      });
    }
    return Object.entries(keys).map(([key, value]): ConditionTest => {
      const values = conditionValues(value, `${where}.${operator}.${key}`);
      const invalid = rule === "Null" ? notBool : rule.invalid;
      for (const expected of values) {
        const problem = invalid?.(expected);
        if (problem !== undefined) {
          throw new ApigwTokenAuthError(
            `${where}.${operator}.${key}: ${JSON.stringify(expected)} is ${problem}`,
            {
              expected: `a value ${operator} can compare`,
              actual: JSON.stringify(expected),
            },
          );
        }
      }
      return { operator, key: key.toLowerCase(), values, set, ifExists, rule };
    });
  });
}

function splitOperator(operator: string): Pick<ConditionTest, "set" | "ifExists"> & { base: string } {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.*?)(IfExists)?$/.exec(operator) as RegExpExecArray;
  return {
    set: match[1] as ConditionTest["set"],
    base: match[2] as string,
    ifExists: match[3] !== undefined,
  };
}

function conditionValues(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const scalar = (item: unknown) => ["string", "number", "boolean"].includes(typeof item);
  if (list.length === 0 || !list.every(scalar)) {
    throw new ApigwTokenAuthError(`${where} is invalid`, {
      expected: "a string, number or boolean, or a non-empty list of them",
      actual: typeOf(value),
    });
  }
  return list.map(String);
}

/**
 * A request context prepared for {@link conditionHolds}: keys lower-cased, every value a list of strings.
 */
export function contextLookup(context: RequestContext = {}): ContextLookup {
  const lookup = new Map<string, string[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    lookup.set(key.toLowerCase(), (Array.isArray(value) ? value : [value]).map(String));
  }
  return lookup;
}

/**
 * Whether one condition test holds for the request.
 */
export function conditionHolds(test: ConditionTest, context: ContextLookup): boolean {
  const actual = context.get(test.key);
  const { rule } = test;
  if (rule === "Null") {
    return test.values.some((expected) => (expected.toLowerCase() === "true") === (actual === undefined));
  }
  if (actual === undefined) {
    if (test.ifExists || test.set === "ForAllValues") return true;
    return test.set === "ForAnyValue" ? false : rule.negated;
  }
  const satisfies = (value: string) => {
    const matched = test.values.some((expected) => rule.matches(expected, value));
    return rule.negated ? !matched : matched;
  };
  if (test.set === "ForAllValues") return actual.every(satisfies);
  if (test.set === "ForAnyValue") return actual.some(satisfies);
  // A single-valued operator on a multi-valued key: a positive operator needs one matching value,
  // a negated one needs every value to match none.
  return rule.negated ? actual.every(satisfies) : actual.some(satisfies);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
