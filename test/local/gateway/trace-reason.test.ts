/**
 * The reason of a refused request, from its trace: the exact words of the deny reasons, and the
 * text remembered per cached policy and method ARN never going stale when anything it says changes.
 */
import { expect } from "chai";
import { buildAllowPolicy } from "../../../handlers/shared/policy.js";
import { methodDecision } from "../../../local/gateway/authorizer-decision.js";
import type { AuthorizerTrace, RequestTrace } from "../../../local/gateway/trace.js";
import { requestReason } from "../../../local/gateway/trace-reason.js";

const STAGE = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1";
const GET_USER = `${STAGE}/GET/user/42`;
const PUT_USER = `${STAGE}/PUT/user`;
const writerPolicy = {
  principalId: "alice",
  policyDocument: buildAllowPolicy(PUT_USER, ["PUT /user"]),
  context: {},
};

/** A 403 trace as the gateway makes it for `methodArn` against the cached policy. */
function denied(methodArn: string, authorizer: Partial<AuthorizerTrace>): RequestTrace {
  const decided = methodDecision(writerPolicy, methodArn);
  return {
    requestId: "r",
    method: "GET",
    path: "/v1/user/42",
    time: "2026-01-01T00:00:00.000Z",
    status: 403,
    durationMs: 1,
    authorizer: {
      name: "TokenAuthorizer",
      type: "TOKEN",
      ttlSeconds: 300,
      identity: [],
      methodArn: decided.methodArn,
      principalId: "alice",
      decision: decided.decision,
      statements: decided.statements,
      ...authorizer,
    },
  };
}

describe("local gateway: reason of a refused request", () => {
  it("says what a cached policy lacks, with the TTL left and what it allows", () => {
    expect(requestReason(denied(GET_USER, { cache: "hit", ttlSecondsLeft: 212 }))).to.equal(
      `ImplicitDeny — cached policy (hit, 212 s left) has no statement for ${GET_USER}; it allows PUT /user`,
    );
    expect(requestReason(denied(GET_USER, { cache: "miss" }))).to.equal(
      `ImplicitDeny — policy from TokenAuthorizer (miss, principal alice) has no statement for ${GET_USER}; it allows PUT /user`,
    );
    expect(requestReason(denied(GET_USER, { cache: "off" }))).to.equal(
      `ImplicitDeny — policy from TokenAuthorizer (principal alice) has no statement for ${GET_USER}; it allows PUT /user`,
    );
  });

  it("gives the requests a cached policy refuses alike the same text, and new text when anything differs", () => {
    const first = requestReason(denied(GET_USER, { cache: "hit", ttlSecondsLeft: 212 }));
    expect(requestReason(denied(GET_USER, { cache: "hit", ttlSecondsLeft: 212 }))).to.equal(first);
    expect(requestReason(denied(GET_USER, { cache: "hit", ttlSecondsLeft: 211 }))).to.equal(
      `ImplicitDeny — cached policy (hit, 211 s left) has no statement for ${GET_USER}; it allows PUT /user`,
    );
    expect(requestReason(denied(GET_USER, { cache: "miss", principalId: "bob" }))).to.include(
      "(miss, principal bob)",
    );
    expect(requestReason(denied(GET_USER, { cache: "miss", name: "Other" }))).to.include("policy from Other");
    // The same statements shown for another method ARN (a trace built by hand) say that ARN.
    const other = `${STAGE}/GET/user/43`;
    expect(requestReason(denied(GET_USER, { cache: "hit", ttlSecondsLeft: 211, methodArn: other }))).to.equal(
      `ImplicitDeny — cached policy (hit, 211 s left) has no statement for ${other}; it allows PUT /user`,
    );
  });

  it("names the statement of an explicit deny, and a policy that allows nothing", () => {
    const deny = {
      principalId: "alice",
      policyDocument: {
        Statement: [{ Sid: "NoReads", Effect: "Deny", Action: "execute-api:Invoke", Resource: "*" }],
      },
      context: {},
    };
    const decided = methodDecision(deny, GET_USER);
    const trace = denied(GET_USER, { cache: "hit", ttlSecondsLeft: 5, ...decided });
    expect(requestReason(trace)).to.equal(
      `ExplicitDeny — cached policy (hit, 5 s left): statement NoReads denies ${GET_USER}`,
    );
    const nothing = methodDecision({ ...deny, policyDocument: { Statement: [] } }, GET_USER);
    expect(requestReason(denied(GET_USER, { cache: "miss", ...nothing }))).to.equal(
      `ImplicitDeny — policy from TokenAuthorizer (miss, principal alice) has no statement for ${GET_USER}; it allows nothing`,
    );
  });
});
