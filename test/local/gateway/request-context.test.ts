/**
 * Request parsing helpers: `$context.requestTime`, Content-Type defaulting.
 */
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { expect } from "chai";
import {
  formatRequestTime,
  type GatewayRequest,
  headerValue,
  parseRequest,
  requestMediaType,
} from "../../../local/gateway/request-context.js";

/** The parts of an IncomingMessage parseRequest reads. */
function fakeRequest(url: string, rawHeaders: string[]): IncomingMessage {
  return {
    url,
    method: "GET",
    rawHeaders,
    headers: {},
    httpVersion: "1.1",
    socket: { remoteAddress: "::ffff:127.0.0.1" },
  } as unknown as IncomingMessage;
}

describe("local gateway: request context", () => {
  it("formats $context.requestTime like API Gateway (CLF, UTC)", () => {
    expect(formatRequestTime(Date.UTC(2015, 3, 9, 12, 34, 56))).to.equal("09/Apr/2015:12:34:56 +0000");
    expect(formatRequestTime(Date.UTC(2026, 11, 31, 3, 4, 5))).to.equal("31/Dec/2026:03:04:05 +0000");
  });

  it("keeps constructor, toString and __proto__ as ordinary query and header names, without pollution", () => {
    const request = parseRequest(
      fakeRequest("/x?constructor=1&__proto__=2&toString=3&constructor=4", [
        "__proto__",
        "h",
        "Constructor",
        "a",
        "constructor",
        "b",
      ]),
      "/x",
      "",
      0,
    );
    expect(request.multiValueQuery.constructor).to.deep.equal(["1", "4"]);
    expect(request.query.constructor).to.equal("4");
    expect(request.query.__proto__).to.equal("2");
    expect(request.query.toString).to.equal("3");
    expect(request.query.valueOf).to.equal(undefined);
    expect(request.multiValueHeaders.Constructor).to.deep.equal(["a", "b"]);
    expect(headerValue(request, "__PROTO__")).to.equal("h");
    expect(headerValue(request, "hasOwnProperty")).to.equal(undefined);
    expect(Object.getPrototypeOf({})).to.equal(Object.prototype);
    expect(JSON.stringify(request.query)).to.equal('{"constructor":"4","__proto__":"2","toString":"3"}');
  });

  it("merges repeated headers case-insensitively in linear time (20,000 distinct headers well under a second)", () => {
    const raw = Array.from({ length: 20_000 }, (_, i) => [`X-H-${i}`, String(i)]).flat();
    raw.push("x-h-7", "again");
    const started = performance.now();
    const request = parseRequest(fakeRequest("/x", raw), "/x", "", 0);
    expect(performance.now() - started).to.be.below(1000);
    expect(Object.keys(request.headers)).to.have.length(20_000);
    expect(request.multiValueHeaders["X-H-7"]).to.deep.equal(["7", "again"]);
    expect(request.headers["X-H-7"]).to.equal("again");
  });

  it("gives every request its own 11-byte extended request id, also across refills of the random pool", () => {
    const ids = Array.from({ length: 600 }, () => parseRequest(fakeRequest("/x", []), "/x", "", 0));
    for (const { extendedRequestId } of ids) {
      expect(extendedRequestId).to.match(/^[A-Za-z0-9+/]{15}=$/);
      expect(Buffer.from(extendedRequestId, "base64")).to.have.length(11);
    }
    expect(new Set(ids.map((request) => request.extendedRequestId)).size).to.equal(600);
  });

  it("reads the media type without parameters, application/json when absent", () => {
    const withType = (value?: string) =>
      ({ headers: value === undefined ? {} : { "content-TYPE": value } }) as unknown as GatewayRequest;
    expect(requestMediaType(withType("Application/JSON; charset=utf-8"))).to.equal("application/json");
    expect(requestMediaType(withType("text/xml"))).to.equal("text/xml");
    expect(requestMediaType(withType())).to.equal("application/json");
    expect(requestMediaType(withType(""))).to.equal("application/json");
  });
});
