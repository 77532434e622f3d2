/**
 * A cached policy's decision per method ARN, remembered with the policy: the same answer as the
 * evaluator, evaluated once per (policy, method ARN), fresh for a new policy, bounded.
 */
import { expect } from "chai";
import { buildAllowPolicy } from "../../../handlers/shared/policy.js";
import { evaluatePolicy } from "../../../lib/iam/authorizer-policy.js";
import type { CachedAuthorization } from "../../../local/gateway/authorizer-cache.js";
import { MAX_METHOD_ARNS_PER_POLICY, methodDecision } from "../../../local/gateway/authorizer-decision.js";

const STAGE = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1";
const GET_USER = `${STAGE}/GET/user/42`;
const PUT_USER = `${STAGE}/PUT/user`;

const output = (policyDocument: unknown): CachedAuthorization => ({
  principalId: "alice",
  policyDocument,
  context: {},
});

describe("local gateway: authorizer decision per method ARN", () => {
  it("decides as the evaluator does, with each statement and whether it applied", () => {
    const policy = {
      Statement: [
        { Sid: "Reads", Effect: "Allow", Action: "execute-api:Invoke", Resource: `${STAGE}/GET/*` },
        { Effect: "Deny", Action: "execute-api:Invoke", NotResource: `${STAGE}/GET/*` },
      ],
    };
    const cached = output(policy);
    for (const arn of [GET_USER, PUT_USER, `${STAGE}/DELETE/user/1`]) {
      expect(methodDecision(cached, arn).decision).to.equal(evaluatePolicy(policy, arn));
    }
    expect(methodDecision(cached, PUT_USER)).to.deep.equal({
      methodArn: PUT_USER,
      decision: "ExplicitDeny",
      statements: [
        { index: 0, sid: "Reads", effect: "Allow", resources: [`${STAGE}/GET/*`], matched: false },
        { index: 1, effect: "Deny", resources: [`NotResource: ${STAGE}/GET/*`], matched: true },
      ],
    });
  });

  it("evaluates a policy for a method ARN once: later requests get the same frozen answer", () => {
    const cached = output(buildAllowPolicy(PUT_USER, ["PUT /user"]));
    const first = methodDecision(cached, GET_USER);
    expect(first.decision).to.equal("ImplicitDeny");
    // A copy of the ARN text (as each request makes its own) finds the same answer.
    expect(methodDecision(cached, `${STAGE}/GET/user/${42}`)).to.equal(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.statements)).to.equal(true);
    expect(Object.isFrozen(first.statements[0])).to.equal(true);
    expect(methodDecision(cached, PUT_USER)).to.not.equal(first);
    expect(methodDecision(cached, PUT_USER).decision).to.equal("Allow");
  });

  it("gives a new policy (a flush, an expiry, another token) a fresh explanation", () => {
    const before = methodDecision(output(buildAllowPolicy(PUT_USER, ["PUT /user"])), GET_USER);
    const after = methodDecision(output(buildAllowPolicy(GET_USER, ["GET /user/{id}"])), GET_USER);
    expect(before.decision).to.equal("ImplicitDeny");
    expect(after).to.not.equal(before);
    expect(after.decision).to.equal("Allow");
    expect(after.statements.every((s) => s.resources.some((r) => r.includes("/GET/user/")))).to.equal(true);
  });

  it("remembers at most MAX_METHOD_ARNS_PER_POLICY method ARNs per policy, forgetting the oldest", () => {
    const cached = output(buildAllowPolicy(PUT_USER, ["GET /user/{id}"]));
    const oldest = methodDecision(cached, `${STAGE}/GET/user/0`);
    const newest = methodDecision(cached, `${STAGE}/GET/user/1`);
    for (let i = 2; i <= MAX_METHOD_ARNS_PER_POLICY; i++) methodDecision(cached, `${STAGE}/GET/user/${i}`);
    // 0 was the oldest of MAX + 1: forgotten, so evaluated again (same answer, new object).
    expect(methodDecision(cached, `${STAGE}/GET/user/1`)).to.equal(newest);
    const again = methodDecision(cached, `${STAGE}/GET/user/0`);
    expect(again).to.not.equal(oldest);
    expect(again).to.deep.equal(oldest);
  });

  it("refuses a document that is not an authorizer policy, as the evaluator does", () => {
    expect(() => methodDecision(output("nope"), GET_USER)).to.throw(/policy document must be an object/);
  });
});
