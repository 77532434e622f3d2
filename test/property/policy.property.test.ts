/**
 * Property test: the policy the authorizer builds from a token's scopes allows exactly the methods
 * those scopes grant, on the API and stage of the request, and nothing else (10,000 cases).
 *
 * What a scope grants is decided here by a reference written from the scope rules (scope.ts): `*`
 * grants every method; `<VERB> /<path>` grants that verb (or any, for `*`) on every path the pattern
 * matches, where `*` and `{name}` stand for any run of characters, `/` included (IAM wildcards): the
 * policy's meaning without the API's routes. With the routes, `{name}` is one segment
 * (scope-segments.property.test.ts).
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildAllowPolicy } from "../../handlers/shared/policy.js";
import { evaluatePolicy } from "../../lib/iam/authorizer-policy.js";

const RUNS = 10_000;

const HTTP_VERBS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"];

interface ArnBase {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
}

interface Method {
  verb: string;
  path: string;
}

const arnOf = (base: ArnBase, method: Method) =>
  `arn:aws:execute-api:${base.region}:${base.accountId}:${base.apiId}/${base.stage}/${method.verb}/${method.path}`;

const baseArb: fc.Arbitrary<ArnBase> = fc.record({
  region: fc.constantFrom("us-east-1", "eu-west-1", "ap-southeast-2"),
  accountId: fc.constantFrom("123456789012", "210987654321"),
  apiId: fc.constantFrom("abc123defg", "zyx987wvut"),
  stage: fc.constantFrom("v1", "prod", "Stage_2"),
});

/** A scope path segment: a literal, a wildcard, a path parameter, or a literal with a `*` in it. */
const scopeSegmentArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,5}$/),
  fc.constantFrom("*", "{id}", "{userId}", "user", "42"),
  fc.stringMatching(/^[a-z]{0,2}\*[a-z0-9]{0,2}$/),
);

/** A valid scope with one of `verbs`, in the forms people write (any case, `{id}` or `*`), or `*` alone. */
function scopeArb(verbs: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant("*") },
    {
      weight: 12,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...verbs),
          fc.boolean(),
          fc.array(scopeSegmentArb, { minLength: 0, maxLength: 4 }),
        )
        .map(([verb, lower, segments]) => `${lower ? verb.toLowerCase() : verb} /${segments.join("/")}`),
    },
  );
}

/** A request path segment as it appears in a method ARN (no leading slash), odd characters included. */
const requestSegmentArb = fc.oneof(
  fc.constantFrom("user", "42", "", "a:b", "%2F", "..", "*", "x?y", "\u00e9"),
  fc.stringMatching(/^[A-Za-z0-9._~:%-]{1,6}$/),
);

/** A request path: random, or one of the scopes' patterns with its wildcards filled in. */
function requestPathArb(scopes: string[]): fc.Arbitrary<string> {
  const randomPath = fc.array(requestSegmentArb, { maxLength: 4 }).map((segments) => segments.join("/"));
  const patterns = scopes
    .filter((scope) => scope !== "*")
    .map((scope) => scope.slice(scope.indexOf("/") + 1));
  if (patterns.length === 0) return randomPath;
  const filled = fc
    .tuple(fc.constantFrom(...patterns), fc.array(randomPath, { minLength: 1, maxLength: 3 }))
    .map(([pattern, fills]) => {
      let next = 0;
      return pattern.replace(/\{[A-Za-z0-9_]+\}|\*/g, () => fills[next++ % fills.length] ?? "");
    });
  return fc.oneof(randomPath, filled);
}

/** The reference: whether `scope` grants `method`, from the scope rules alone. */
function scopeGrants(scope: string, method: Method): boolean {
  if (scope === "*") return true;
  const [verb = "", pathPattern = ""] = scope.split(" /");
  if (verb.toUpperCase() !== "*" && verb.toUpperCase() !== method.verb) return false;
  const source = pathPattern
    .split(/(\{[A-Za-z0-9_]+\}|\*)/)
    .map((part, index) => (index % 2 === 1 ? "[\\s\\S]*" : part.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`).test(method.path);
}

/** The probe's API: usually the request's own, sometimes another region, account, API or stage. */
function probeBaseArb(base: ArnBase): fc.Arbitrary<ArnBase> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(base) }, { weight: 1, arbitrary: baseArb });
}

/** A request authorized with a token holding scopes of `scopeVerbs`, and a later request to probe. */
function caseArb(scopeVerbs: string[]) {
  return fc
    .tuple(baseArb, fc.array(scopeArb(scopeVerbs), { minLength: 1, maxLength: 4 }))
    .chain(([base, scopes]) =>
      fc.record({
        base: fc.constant(base),
        scopes: fc.constant(scopes),
        incoming: fc.record({ verb: fc.constantFrom(...HTTP_VERBS), path: requestPathArb(scopes) }),
        probeBase: probeBaseArb(base),
        probe: fc.record({ verb: fc.constantFrom(...HTTP_VERBS), path: requestPathArb(scopes) }),
      }),
    );
}

/** Builds the policy for random scopes and checks random later requests against the reference. */
function checkPolicyAgainstReference(scopeVerbs: string[]): void {
  const seen = { allowed: 0, denied: 0 };
  fc.assert(
    fc.property(caseArb(scopeVerbs), ({ base, scopes, incoming, probeBase, probe }) => {
      const policy = buildAllowPolicy(arnOf(base, incoming), scopes);
      const sameApi = JSON.stringify(probeBase) === JSON.stringify(base);
      const expected = sameApi && scopes.some((scope) => scopeGrants(scope, probe));
      const decision = evaluatePolicy(policy, arnOf(probeBase, probe));
      expect(decision, `${JSON.stringify(scopes)} → ${arnOf(probeBase, probe)}`).to.equal(
        expected ? "Allow" : "ImplicitDeny",
      );
      seen[expected ? "allowed" : "denied"]++;
    }),
    { numRuns: RUNS },
  );
  expect(seen.allowed, "allowed cases").to.be.greaterThan(RUNS / 10);
  expect(seen.denied, "denied cases").to.be.greaterThan(RUNS / 10);
}

describe("property: authorizer policy", () => {
  it("allows exactly the methods the token's scopes grant, on the request's API and stage", () => {
    checkPolicyAgainstReference(HTTP_VERBS);
  });

  it("a scope with verb `*` grants every verb on its own path and no other path", () => {
    checkPolicyAgainstReference([...HTTP_VERBS, "*"]);
  });
});
