/**
 * Property tests of the one IAM evaluator (lib/iam/policy-evaluator.ts), 2,000 cases each:
 * - it agrees with a reference written from IAM's documented rules with regexes
 *   (iam-wildcard-reference.ts) on random policies of Allow/Deny statements with Action/NotAction,
 *   Resource/NotResource and String conditions (set prefixes and IfExists included);
 * - statement order and the split into several policies never change the decision;
 * - adding a Deny never turns a refusal into Allow; adding an Allow never lifts an explicit Deny;
 * - the statement a decision names has that effect and decides the same on its own.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { RequestContext } from "../../lib/iam/policy-condition.js";
import { type ParsedPolicy, parsePolicy } from "../../lib/iam/policy-document.js";
import { evaluatePolicies, type PolicyDecision } from "../../lib/iam/policy-evaluator.js";
import { globRegex, iamResourceRegex } from "./iam-wildcard-reference.js";

const RUNS = 2_000;

const TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/users";
const RESOURCES = [TABLE, `${TABLE}/index/byName`, "arn:aws:dynamodb:us-east-1:000000000000:table/tokens"];
const RESOURCE_PATTERNS = [
  "*",
  TABLE,
  `${TABLE}*`,
  `${TABLE}/*`,
  "arn:aws:dynamodb:*:*:table/*",
  "arn:aws:dynamodb:us-east-1:000000000000:table/?sers",
  "arn:aws:dynamodb:*",
  "arn:aws:lambda:*:*:function:*",
];
const ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "DYNAMODB:getitem", "lambda:InvokeFunction"];
const ACTION_PATTERNS = [
  "*",
  "dynamodb:*",
  "dynamodb:Get*",
  "DynamoDB:getItem",
  "dynamodb:?utItem",
  "lambda:*",
];
const OPERATORS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike"];
const KEYS = ["test:Single", "test:Multi"];
const VALUES = ["a", "b", "c", "a*", "?"];

interface Statement {
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

const listOf = (pool: string[]) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 });

const operatorArb = fc
  .tuple(
    fc.constantFrom("", "", "ForAllValues:", "ForAnyValue:"),
    fc.constantFrom(...OPERATORS),
    fc.constantFrom("", "", "IfExists"),
  )
  .map(([set, base, ifExists]) => `${set}${base}${ifExists}`);

const conditionArb = fc.option(
  fc.dictionary(operatorArb, fc.dictionary(fc.constantFrom(...KEYS), listOf(VALUES), { maxKeys: 2 }), {
    minKeys: 1,
    maxKeys: 2,
  }),
  { nil: undefined, freq: 2 },
);

const statementArb: fc.Arbitrary<Statement> = fc
  .record({
    effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Deny"),
    notAction: fc.boolean(),
    actions: listOf(ACTION_PATTERNS),
    notResource: fc.boolean(),
    resources: listOf(RESOURCE_PATTERNS),
    condition: conditionArb,
  })
  .map(({ effect, notAction, actions, notResource, resources, condition }) => ({
    Effect: effect,
    ...(notAction ? { NotAction: actions } : { Action: actions }),
    ...(notResource ? { NotResource: resources } : { Resource: resources }),
    ...(condition === undefined ? {} : { Condition: condition }),
  }));

const contextArb: fc.Arbitrary<RequestContext> = fc.record(
  {
    "TEST:single": fc.constantFrom("a", "b", "abc", "?"),
    "test:multi": fc.uniqueArray(fc.constantFrom("a", "b", "c", "ab"), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

interface Request {
  action: string;
  resource: string;
  context: RequestContext;
}

const requestArb: fc.Arbitrary<Request> = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  context: contextArb,
});

// ---- the reference, from the IAM User Guide's rules -------------------------------------------

function referenceCondition(
  operator: string,
  key: string,
  expected: string[],
  context: RequestContext,
): boolean {
  const [, set, base = "", ifExists] =
    /^(ForAllValues:|ForAnyValue:)?(\w+?)(IfExists)?$/.exec(operator) ?? [];
  const negated = base.includes("Not");
  const like = base.endsWith("Like");
  const entry = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
  const actual = entry?.[1];
  if (actual === undefined) {
    if (ifExists || set === "ForAllValues:") return true;
    return set === "ForAnyValue:" ? false : negated;
  }
  const values = (Array.isArray(actual) ? actual : [actual]).map(String);
  const ok = (value: string) =>
    expected.some((p) => (like ? globRegex(p).test(value) : p === value)) !== negated;
  if (set === "ForAllValues:") return values.every(ok);
  if (set === "ForAnyValue:") return values.some(ok);
  return negated ? values.every(ok) : values.some(ok);
}

function referenceApplies(statement: Statement, request: Request): boolean {
  const actionHit = (statement.Action ?? statement.NotAction ?? []).some((p) =>
    globRegex(p.toLowerCase()).test(request.action.toLowerCase()),
  );
  const resourceHit = (statement.Resource ?? statement.NotResource ?? []).some((p) =>
    iamResourceRegex(p).test(request.resource),
  );
  if (actionHit !== (statement.Action !== undefined)) return false;
  if (resourceHit !== (statement.Resource !== undefined)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      referenceCondition(operator, key, expected, request.context),
    ),
  );
}

function referenceDecision(statements: Statement[], request: Request): PolicyDecision {
  const applying = statements.filter((statement) => referenceApplies(statement, request));
  if (applying.some((statement) => statement.Effect === "Deny")) return "ExplicitDeny";
  return applying.length > 0 ? "Allow" : "ImplicitDeny";
}

// ---- the properties ----------------------------------------------------------------------------

const policiesOf = (groups: Statement[][]): ParsedPolicy[] =>
  groups.map((Statement, index) => parsePolicy({ Version: "2012-10-17", Statement }, `P${index}`));

const statementsArb = fc.array(statementArb, { minLength: 1, maxLength: 5 });

describe("property: IAM policy evaluation", () => {
  it("agrees with a reference of IAM's documented rules, and every outcome occurs", () => {
    const seen: Record<PolicyDecision, number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    fc.assert(
      fc.property(statementsArb, requestArb, (statements, request) => {
        const { decision } = evaluatePolicies(policiesOf([statements]), request);
        expect(decision, JSON.stringify({ statements, request })).to.equal(
          referenceDecision(statements, request),
        );
        seen[decision]++;
      }),
      { numRuns: RUNS },
    );
    for (const outcome of Object.keys(seen) as PolicyDecision[]) {
      expect(seen[outcome], outcome).to.be.greaterThan(RUNS / 20);
    }
  });

  it("does not depend on statement order or on how statements are split into policies", () => {
    fc.assert(
      fc.property(
        statementsArb,
        requestArb,
        fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        (statements, request, cuts) => {
          const expected = evaluatePolicies(policiesOf([statements]), request).decision;
          const reversed = [...statements].reverse();
          const groups = reversed.map(() => [] as Statement[]);
          for (const [i, statement] of reversed.entries())
            groups[(cuts[i] ?? 0) % groups.length]?.push(statement);
          const nonEmpty = groups.filter((group) => group.length > 0);
          expect(evaluatePolicies(policiesOf(nonEmpty), request).decision).to.equal(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("lets Deny only take away and Allow only add, never past an explicit Deny", () => {
    fc.assert(
      fc.property(statementsArb, statementArb, requestArb, (statements, extra, request) => {
        const before = evaluatePolicies(policiesOf([statements]), request).decision;
        const after = evaluatePolicies(policiesOf([statements, [extra]]), request).decision;
        // A Deny can only turn the decision into ExplicitDeny; an Allow only into Allow, never past a Deny.
        const reachable = extra.Effect === "Deny" ? [before, "ExplicitDeny"] : [before, "Allow"];
        expect(reachable).to.include(after);
        if (before === "ExplicitDeny") expect(after).to.equal("ExplicitDeny");
      }),
      { numRuns: RUNS },
    );
  });

  it("names a deciding statement with that effect, which decides the same on its own", () => {
    fc.assert(
      fc.property(statementsArb, requestArb, (statements, request) => {
        const result = evaluatePolicies(policiesOf([statements]), request);
        if (result.decision === "ImplicitDeny") {
          expect(result.statement).to.equal(undefined);
          return;
        }
        const statement = result.statement;
        expect(statement?.effect).to.equal(result.decision === "Allow" ? "Allow" : "Deny");
        const alone = statements[statement?.index ?? -1] as Statement;
        expect(evaluatePolicies(policiesOf([[alone]]), request).decision).to.equal(result.decision);
      }),
      { numRuns: RUNS },
    );
  });
});
