/**
 * Property tests: `globMatches` and `arnMatches` agree with regex references of the same rules
 * (test/property/iam-wildcard-reference.ts) on random patterns and texts, 10,000 cases each.
 *
 * Purely random pairs almost never match, so half of the texts are made from the pattern itself by
 * filling its wildcards in; a counter checks that both answers really occur.
 */
import { expect } from "chai";
import fc from "fast-check";
import { arnMatches, globMatches } from "../../lib/iam/arn-match.js";
import { globRegex, iamResourceRegex } from "./iam-wildcard-reference.js";

const RUNS = 10_000;

/** Characters that stress both implementations: wildcards, regex metacharacters, separators, non-ASCII. */
const TEXT_CHARS = [
  "a",
  "b",
  "/",
  ":",
  ".",
  "-",
  "\\",
  "[",
  "]",
  "(",
  "+",
  "$",
  "^",
  "|",
  "\n",
  "é",
  "\u{1F600}",
];
const PATTERN_CHARS = [...TEXT_CHARS, "*", "*", "?"];

const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...TEXT_CHARS), maxLength });
const pattern = (maxLength: number) => fc.string({ unit: fc.constantFrom(...PATTERN_CHARS), maxLength });

/** A text the pattern should match: each `*` filled with a random run, each `?` with one character. */
function instantiate(glob: string, fills: string[]): string {
  let fill = 0;
  return glob
    .split("")
    .map((char) => {
      const value = fills[fill++ % fills.length] ?? "";
      if (char === "*") return value;
      if (char === "?") return value.slice(0, 1) || "a";
      return char;
    })
    .join("");
}

/** A pattern and a text: either unrelated, or the pattern filled in (likely, not certainly, a match). */
function patternAndText(patternArb: fc.Arbitrary<string>, textArb: fc.Arbitrary<string>) {
  return fc.oneof(
    fc.tuple(patternArb, textArb),
    fc
      .tuple(patternArb, fc.array(textArb, { minLength: 1, maxLength: 4 }))
      .map(([glob, fills]) => [glob, instantiate(glob, fills)] as [string, string]),
  );
}

/** Counts both outcomes so a generator that only ever produces one of them fails the test. */
function outcomes() {
  const seen = { true: 0, false: 0 };
  return {
    record(value: boolean): boolean {
      seen[`${value}`]++;
      return value;
    },
    expectBoth(): void {
      expect(seen.true, "matching cases").to.be.greaterThan(RUNS / 10);
      expect(seen.false, "non-matching cases").to.be.greaterThan(RUNS / 10);
    },
  };
}

describe("property: IAM wildcard matching", () => {
  it("globMatches agrees with a regex reference", () => {
    const seen = outcomes();
    fc.assert(
      fc.property(patternAndText(pattern(12), text(10)), ([glob, value]) => {
        expect(globMatches(glob, value), `${JSON.stringify(glob)} ~ ${JSON.stringify(value)}`).to.equal(
          seen.record(globRegex(glob).test(value)),
        );
      }),
      { numRuns: RUNS },
    );
    seen.expectBoth();
  });

  it("arnMatches agrees with a segment-aware regex reference", () => {
    const seen = outcomes();
    // Patterns and ARNs of one to eight colon-separated parts, so short patterns, full ARNs and
    // resources containing colons all occur.
    const segmented = (part: fc.Arbitrary<string>) =>
      fc.array(part, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(":"));
    const arnPattern = fc.oneof(
      segmented(pattern(4)),
      fc.constant("*"),
      segmented(pattern(4)).map((value) => `${value}*`),
    );
    fc.assert(
      fc.property(patternAndText(arnPattern, segmented(text(4))), ([glob, arn]) => {
        expect(arnMatches(glob, arn), `${JSON.stringify(glob)} ~ ${JSON.stringify(arn)}`).to.equal(
          seen.record(iamResourceRegex(glob).test(arn)),
        );
      }),
      { numRuns: RUNS },
    );
    seen.expectBoth();
  });
});
