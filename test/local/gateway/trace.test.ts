/**
 * The trace's shared pieces: the same text as made afresh, one object while nothing differs.
 */
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import {
  flatString,
  gatewayResponseTrace,
  matchedRouteTrace,
  traceTime,
} from "../../../local/gateway/trace.js";

describe("local gateway: trace pieces", () => {
  it("writes times as toISOString does, for each millisecond asked", () => {
    const newYear = Date.UTC(2026, 0, 1);
    for (const ms of [
      0,
      newYear,
      newYear + 1,
      newYear + 999,
      newYear + 1000,
      newYear,
      -1,
      -1.5,
      8.64e15,
      1.5,
    ]) {
      expect(traceTime(ms)).to.equal(new Date(ms).toISOString());
    }
  });

  it("shares a gateway response's trace only while type, status and message are the same", () => {
    const first = gatewayResponseTrace("ACCESS_DENIED", 403, "denied");
    expect(gatewayResponseTrace("ACCESS_DENIED", 403, "denied")).to.equal(first);
    expect(gatewayResponseTrace("ACCESS_DENIED", 403, "other")).to.deep.equal({
      type: "ACCESS_DENIED",
      status: 403,
      message: "other",
    });
    expect(gatewayResponseTrace("ACCESS_DENIED", 401, null)).to.include({ status: 401, message: null });
    expect(gatewayResponseTrace("UNAUTHORIZED", 401, "Unauthorized")).to.include({ type: "UNAUTHORIZED" });
  });

  it("shares one route trace per method", () => {
    const method = { resourcePath: "/user/{id}", httpMethod: "GET" };
    expect(matchedRouteTrace(method)).to.deep.equal({
      matched: true,
      resource: "/user/{id}",
      httpMethod: "GET",
    });
    expect(matchedRouteTrace(method)).to.equal(matchedRouteTrace(method));
    expect(matchedRouteTrace({ ...method, httpMethod: "PUT" })).to.include({ httpMethod: "PUT" });
  });

  it("keeps a string's text when flattening it", () => {
    const id = randomUUID();
    expect(flatString(id)).to.equal(id);
    expect(flatString("123")).to.equal("123");
  });
});
