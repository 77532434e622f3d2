/**
 * Property test: with the API's routes (read from a random test template with nested routes, the
 * way the build reads the real one), a `{name}` scope grants exactly one path segment — the policy
 * never allows a deeper route such as `/user/{id}/tokens` to a `GET /user/{id}` token — while `*`
 * keeps its IAM meaning (300 templates × every route).
 *
 * Reference: a scope grants a request when its verb matches and its path matches with `{name}` as
 * one non-empty segment and `*` as any run of characters (scopeGrants in scope.ts is checked
 * against the same rules in scope.test.ts). Every token is checked for safety (the policy allows
 * nothing the scopes do not grant); a single-scope token also for completeness (it allows all of
 * it). With several scopes a Deny written for one may shadow a deeper route another grants: the
 * policy then fails closed, which the safety check allows.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildAllowPolicy } from "../../handlers/shared/policy.js";
import { apiRoutes } from "../../lib/cloudformation/api-routes.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";
import { evaluatePolicy } from "../../lib/iam/authorizer-policy.js";

const RUNS = 300;
const API = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/v1";
const VERBS = ["GET", "PUT", "DELETE"];
const LITERALS = ["user", "tokens", "a", "b"];
const PARAMETERS = ["{id}", "{x}"];

/** A route path of 1 to 4 segments, literals and parameters mixed (so routes nest). */
const routePathArb = fc.array(fc.constantFrom(...LITERALS, ...PARAMETERS), { minLength: 1, maxLength: 4 });

/** A test template: one RestApi, a Resource per distinct path prefix, a Method per route. */
function templateOf(routes: { verb: string; segments: string[] }[]): CloudFormationTemplate {
  const Resources: CloudFormationTemplate["Resources"] = { Api: { Type: "AWS::ApiGateway::RestApi" } };
  const idOf = new Map<string, string>();
  const resourceFor = (segments: string[]): unknown => {
    if (segments.length === 0) return { "Fn::GetAtt": ["Api", "RootResourceId"] };
    const key = segments.join("/");
    let id = idOf.get(key);
    if (id === undefined) {
      id = `Resource${idOf.size}`;
      idOf.set(key, id);
      Resources[id] = {
        Type: "AWS::ApiGateway::Resource",
        Properties: {
          RestApiId: { Ref: "Api" },
          ParentId: resourceFor(segments.slice(0, -1)),
          PathPart: segments.at(-1),
        },
      };
    }
    return { Ref: id };
  };
  routes.forEach((route, index) => {
    Resources[`Method${index}`] = {
      Type: "AWS::ApiGateway::Method",
      Properties: {
        RestApiId: { Ref: "Api" },
        ResourceId: resourceFor(route.segments),
        HttpMethod: route.verb,
      },
    };
  });
  return { Resources } as CloudFormationTemplate;
}

/** A scope written against one of the routes: its segments, some made parameters or `*`, maybe cut short. */
function scopeArb(paths: string[][]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...VERBS, "*"),
      fc.constantFrom(...paths),
      fc.array(fc.constantFrom("keep", "param", "star", "literal"), { minLength: 4, maxLength: 4 }),
      fc.nat(3),
    )
    .map(([verb, path, edits, cut]) => {
      const segments = path.slice(0, Math.max(1, path.length - (cut === 3 ? 1 : 0))).map((segment, i) => {
        const edit = edits[i];
        if (edit === "param") return "{p}";
        if (edit === "star" && i === path.length - 1) return "*";
        if (edit === "literal" && segment.startsWith("{")) return "v1";
        return segment;
      });
      return `${verb} /${segments.join("/")}`;
    });
}

/** The reference meaning of a scope: `{name}` one segment, `*` any run. */
function grants(scope: string, verb: string, path: string): boolean {
  const [scopeVerb = "", pattern = ""] = scope.split(" /");
  if (scopeVerb !== "*" && scopeVerb !== verb) return false;
  const source = pattern
    .split("/")
    .map((segment) =>
      segment
        .split(/(\{[a-z]+\}|\*)/)
        .map((part, i) =>
          i % 2 === 0 ? part.replace(/[.^$+?()[\]{}|\\]/g, "\\$&") : part === "*" ? ".*" : "[^/]+",
        )
        .join(""),
    )
    .join("/");
  return new RegExp(`^${source}$`, "s").test(path);
}

describe("property: {name} scopes grant one path segment (routes from a test template)", function () {
  this.timeout(120_000);
  it("never allows a route the scopes do not grant; a single scope allows all it grants", () => {
    const seen = { allowed: 0, denied: 0, deniedDeeper: 0 };
    fc.assert(
      fc.property(
        fc
          .array(fc.record({ verb: fc.constantFrom(...VERBS), segments: routePathArb }), {
            minLength: 1,
            maxLength: 8,
          })
          .chain((routes) =>
            fc.record({
              routes: fc.constant(routes),
              scopes: fc.array(scopeArb(routes.map((route) => route.segments)), {
                minLength: 1,
                maxLength: 3,
              }),
              values: fc.array(fc.stringMatching(/^[a-z0-9]{1,3}$/), { minLength: 4, maxLength: 4 }),
            }),
          ),
        ({ routes, scopes, values }) => {
          const templateRoutes = apiRoutes(templateOf(routes));
          const policy = buildAllowPolicy(`${API}/GET/user/1`, scopes, templateRoutes);
          for (const route of templateRoutes) {
            let next = 0;
            const concrete = route.path.replace(
              /\{[a-z]+\}/g,
              () => values[next++ % values.length] as string,
            );
            const expected = scopes.some((scope) => grants(scope, route.verb, concrete));
            const decision = evaluatePolicy(policy, `${API}/${route.verb}/${concrete}`);
            const label = `${JSON.stringify(scopes)} → ${route.verb} /${concrete} (route /${route.path})`;
            if (decision === "Allow") expect(expected, `over-grant: ${label}`).to.equal(true);
            if (scopes.length === 1) expect(decision === "Allow", `under-grant: ${label}`).to.equal(expected);
            seen[decision === "Allow" ? "allowed" : "denied"]++;
            if (decision === "ExplicitDeny") seen.deniedDeeper++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.allowed, "allowed routes").to.be.greaterThan(RUNS / 4);
    expect(seen.denied, "denied routes").to.be.greaterThan(RUNS / 4);
    expect(
      seen.deniedDeeper,
      "routes denied by an explicit Deny (a {name} scope's deeper routes)",
    ).to.be.greaterThan(RUNS / 20);
  });

  it("denies GET /user/{id}/tokens to a GET /user/{id} token, and allows it to GET /user/*", () => {
    const routes = [
      { verb: "GET", path: "user/{id}" },
      { verb: "GET", path: "user/{id}/tokens" },
    ];
    const oneSegment = buildAllowPolicy(`${API}/GET/user/1`, ["GET /user/{id}"], routes);
    expect(evaluatePolicy(oneSegment, `${API}/GET/user/42`)).to.equal("Allow");
    expect(evaluatePolicy(oneSegment, `${API}/GET/user/42/tokens`)).to.equal("ExplicitDeny");
    expect(oneSegment.Statement[1]).to.deep.equal({
      Effect: "Deny",
      Action: "execute-api:Invoke",
      Resource: [`${API}/GET/user/*/tokens`],
    });
    const wildcard = buildAllowPolicy(`${API}/GET/user/1`, ["GET /user/*"], routes);
    expect(evaluatePolicy(wildcard, `${API}/GET/user/42/tokens`)).to.equal("Allow");
    expect(wildcard.Statement).to.have.length(1);
  });
});
