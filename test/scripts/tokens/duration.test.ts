import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseDuration } from "../../../scripts/tokens/duration.js";

describe("scripts/tokens/duration", () => {
  for (const [text, seconds] of [
    ["30d", 2_592_000],
    ["12h", 43_200],
    ["90m", 5400],
    ["45s", 45],
    ["3600", 3600],
  ] as const) {
    it(`reads ${text} as ${seconds} seconds`, () => expect(parseDuration(text)).to.equal(seconds));
  }

  for (const text of ["0", "0d", "-1d", "1w", "1.5h", "d", "", "1 d x"]) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(() => parseDuration(text)).to.throw(ApigwTokenAuthError, "invalid duration");
    });
  }
});
