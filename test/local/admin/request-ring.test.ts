/**
 * The inspector's ring of recent requests: newest first, bounded, listed as the inspector's records.
 */
import { expect } from "chai";
import { createRequestRing } from "../../../local/admin/request-ring.js";
import type { RequestTrace } from "../../../local/gateway/trace.js";

const trace = (n: number): RequestTrace => ({
  requestId: `r${n}`,
  method: "GET",
  path: "/v1/user/x",
  status: 200,
  time: "2026-01-01T00:00:00.000Z",
  durationMs: 1,
});

describe("local admin: request ring", () => {
  it("lists what it holds newest first", () => {
    const ring = createRequestRing(5);
    expect(ring.list()).to.deep.equal([]);
    for (const n of [1, 2, 3]) ring.push(trace(n));
    expect(ring.list().map((r) => r.requestId)).to.deep.equal(["r3", "r2", "r1"]);
  });

  it("keeps only the last `capacity` traces", () => {
    const ring = createRequestRing(3);
    for (let n = 1; n <= 10; n++) ring.push(trace(n));
    expect(ring.list().map((r) => r.requestId)).to.deep.equal(["r10", "r9", "r8"]);
  });

  it("lists each trace as the inspector's record: the columns lifted out, the trace kept whole", () => {
    const ring = createRequestRing(3);
    const denied: RequestTrace = {
      ...trace(1),
      status: 403,
      reason: "ImplicitDeny — …",
      authorizer: {
        name: "TokenAuthorizer",
        type: "TOKEN",
        ttlSeconds: 300,
        identity: [],
        methodArn: "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/user/x",
        cache: "hit",
        principalId: "alice",
        decision: "ImplicitDeny",
      },
    };
    ring.push(denied);
    expect(ring.list()).to.deep.equal([
      {
        requestId: "r1",
        method: "GET",
        path: "/v1/user/x",
        status: 403,
        time: "2026-01-01T00:00:00.000Z",
        durationMs: 1,
        principalId: "alice",
        cache: "hit",
        decision: "ImplicitDeny",
        reason: "ImplicitDeny — …",
        trace: denied,
      },
    ]);
  });
});
