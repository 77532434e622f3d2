/**
 * Java regular expressions as API Gateway uses them (IdentityValidationExpression, SelectionPattern,
 * `String.matches`/`replaceAll` in templates), run on the JavaScript engine.
 *
 * API Gateway is a Java service: `Pattern.matches` is a whole-string match, so patterns are wrapped in
 * `^(?:…)$`. The syntax shared by both engines (classes, groups, lookahead, quantifiers) behaves
 * the same; Java-only syntax (possessive quantifiers, `\A`, `\Z`, inline flags) is refused.
 */

/** Java-only constructs JavaScript would read differently or reject. */
const JAVA_ONLY = /\(\?[imsux-]+[):]|\\[AZzGQE]|[*+?}]\+/;

/**
 * Compiles a Java pattern for whole-string matching (`Pattern.matches`); returns an error message
 * instead when the pattern uses Java-only syntax or is not a valid regex.
 */
export function compileWholeMatch(pattern: string): RegExp | string {
  const compiled = compileJava(pattern, "");
  return typeof compiled === "string" ? compiled : new RegExp(`^(?:${pattern})$`);
}

/**
 * Compiles a Java pattern as a JavaScript RegExp with `flags` (e.g. `g` for `replaceAll`), or returns
 * an error message.
 */
export function compileJava(pattern: string, flags: string): RegExp | string {
  if (JAVA_ONLY.test(pattern)) {
    return `uses Java-only syntax the local gateway cannot run: ${JSON.stringify(pattern)}`;
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}

/**
 * Turns a Java replacement string (`$1`, `\$` for a literal dollar) into a JavaScript one.
 */
export function javaReplacement(replacement: string): string {
  return replacement.replace(/\\(.)|\$\$/g, (whole, escaped: string | undefined) =>
    escaped === undefined ? whole : escaped === "$" ? "$$" : escaped,
  );
}
