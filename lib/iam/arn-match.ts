/**
 * IAM ARN matching with wildcards: the Resource/NotResource elements of every policy the project
 * evaluates (authorizer policies, roles' identity policies) and the Arn* condition operators.
 *
 * IAM compares an ARN segment by segment (the parts between the first five colons; the sixth part,
 * the resource, may itself contain colons). In a segment `*` matches any run of characters, `/`
 * included, and `?` matches exactly one character. A pattern with fewer segments whose last
 * segment ends in `*` lets that `*` run on across the remaining colons (`arn:aws:execute-api:*`
 * matches every execute-api ARN); the wildcards of that last segment then match across colons too.
 * `"*"` alone matches everything.
 */

/** How many colon-separated segments an ARN has; the last one is the rest of the string. */
const ARN_SEGMENTS = 6;

/**
 * Whether `arn` is matched by the IAM resource pattern `pattern`.
 *
 * @example
 * ```ts
 * arnMatches("arn:aws:execute-api:*:*:abc/v1/GET/user/*", "arn:aws:execute-api:eu-west-1:1:abc/v1/GET/user/42"); // true
 * arnMatches("arn:aws:execute-api:*:*:abc/v1/PUT/user", "arn:aws:execute-api:eu-west-1:1:abc/v1/GET/user");      // false
 * ```
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const patternSegments = splitArn(pattern);
  const arnSegments = splitArn(arn);
  for (let i = 0; i < patternSegments.length; i++) {
    const patternSegment = patternSegments[i] as string;
    const isLast = i === patternSegments.length - 1;
    if (isLast && patternSegments.length < arnSegments.length) {
      // A short pattern only matches if its last `*` can swallow the remaining segments.
      if (!patternSegment.endsWith("*")) return false;
      return globMatches(patternSegment, arnSegments.slice(i).join(":"));
    }
    const arnSegment = arnSegments[i];
    if (arnSegment === undefined || !globMatches(patternSegment, arnSegment)) return false;
  }
  return patternSegments.length === arnSegments.length;
}

function splitArn(value: string): string[] {
  const segments: string[] = [];
  let start = 0;
  while (segments.length < ARN_SEGMENTS - 1) {
    const colon = value.indexOf(":", start);
    if (colon < 0) break;
    segments.push(value.slice(start, colon));
    start = colon + 1;
  }
  segments.push(value.slice(start));
  return segments;
}

/**
 * Whole-string glob match: `*` any run of characters (also empty), `?` exactly one character,
 * everything else literal. Linear-time two-pointer match with one backtrack point, so a hostile
 * pattern such as `*a*a*a*b` cannot blow up the way a backtracking regex would.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "*") {
      starP = p++;
      starT = t;
    } else if (c !== undefined && (c === "?" || c === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}
