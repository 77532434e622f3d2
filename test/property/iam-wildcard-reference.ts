/**
 * Reference implementations for the property tests: IAM wildcard matching written the obvious
 * (slow, regex) way, independently of `lib/iam/arn-match.ts`, so that the two can be compared
 * on random input.
 *
 * The rules are those documented for `arnMatches` (IAM resource wildcards): the first five colons
 * split an ARN into segments, the rest is the resource; within a segment `*` is any run of characters
 * and `?` one character; in the resource they may also cover colons. A pattern with fewer segments
 * whose last character is `*` is matched last segment against the rest of the ARN, so the wildcards
 * of that last segment may cover colons too (`arn:aws:execute-api:*` matches every execute-api ARN).
 */

/** How many colons separate the segments before an ARN's resource. */
const SEGMENT_COLONS = 5;

/** Any one UTF-16 code unit, line terminators included (which `.` would not match). */
const ANY = "[\\s\\S]";

/** A regex source for one literal character, escaped so that regex metacharacters stay literal. */
function literal(char: string): string {
  return char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * A whole-string regex for a glob: `*` any run of code units, `?` one code unit, the rest literal.
 */
export function globRegex(pattern: string): RegExp {
  let source = "";
  for (const char of pattern.split("")) {
    source += char === "*" ? `${ANY}*` : char === "?" ? ANY : literal(char);
  }
  return new RegExp(`^${source}$`);
}

/**
 * A whole-string regex for an IAM resource pattern, built character by character: before the fifth
 * colon a wildcard stays inside its segment (`[^:]`), after it (the resource) it may cover colons,
 * and so may the last segment's wildcards in a short pattern that ends in `*`.
 */
export function iamResourceRegex(pattern: string): RegExp {
  const chars = pattern.split("");
  const colons = chars.filter((char) => char === ":").length;
  const shortWithOpenTail = colons < SEGMENT_COLONS && pattern.endsWith("*");
  let source = "";
  let colonsSeen = 0;
  for (const char of chars) {
    const coversColons = colonsSeen >= SEGMENT_COLONS || (shortWithOpenTail && colonsSeen === colons);
    if (char === ":") {
      colonsSeen++;
      source += ":";
    } else if (char === "*") {
      source += coversColons ? `${ANY}*` : "[^:]*";
    } else if (char === "?") {
      source += coversColons ? ANY : "[^:]";
    } else {
      source += literal(char);
    }
  }
  return new RegExp(`^${source}$`);
}
