/**
 * The inspector's ring of recent requests: newest first, bounded.
 */
import { expect } from "chai";
import type { RequestRecord } from "../../../lib/local-admin-client.js";
import { createRequestRing } from "../../../local/admin/request-ring.js";

const record = (n: number): RequestRecord => ({
  requestId: `r${n}`,
  method: "GET",
  path: "/v1/user/x",
  status: 200,
  time: "2026-01-01T00:00:00.000Z",
  durationMs: 1,
  trace: {},
});

describe("local admin: request ring", () => {
  it("lists what it holds newest first", () => {
    const ring = createRequestRing(5);
    expect(ring.list()).to.deep.equal([]);
    for (const n of [1, 2, 3]) ring.push(record(n));
    expect(ring.list().map((r) => r.requestId)).to.deep.equal(["r3", "r2", "r1"]);
  });

  it("keeps only the last `capacity` records", () => {
    const ring = createRequestRing(3);
    for (let n = 1; n <= 10; n++) ring.push(record(n));
    expect(ring.list().map((r) => r.requestId)).to.deep.equal(["r10", "r9", "r8"]);
  });
});
