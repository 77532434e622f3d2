/**
 * Request parsing helpers: `$context.requestTime`, Content-Type defaulting.
 */
import { expect } from "chai";
import {
  formatRequestTime,
  type GatewayRequest,
  requestMediaType,
} from "../../../local/gateway/request-context.js";

describe("local gateway: request context", () => {
  it("formats $context.requestTime like API Gateway (CLF, UTC)", () => {
    expect(formatRequestTime(Date.UTC(2015, 3, 9, 12, 34, 56))).to.equal("09/Apr/2015:12:34:56 +0000");
    expect(formatRequestTime(Date.UTC(2026, 11, 31, 3, 4, 5))).to.equal("31/Dec/2026:03:04:05 +0000");
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
