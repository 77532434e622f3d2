/**
 * The Java `String` (and `List`/`Map`) methods API Gateway mapping templates commonly call, for
 * velocityjs, whose values are JavaScript strings: `$s.replaceAll("\\'", "'")`, `$s.length()`,
 * `$s.matches("[0-9]+")`, ... Regex arguments are Java regexes (see java-regex.ts).
 */
import { compileJava, compileWholeMatch, javaReplacement } from "./java-regex.js";

/** A velocityjs custom method handler. */
export interface MethodHandler {
  uid: string;
  match: (payload: { property: string; context: unknown; params: unknown[] }) => boolean;
  resolve: (payload: { property: string; context: unknown; params: unknown[] }) => unknown;
}

const str = (value: unknown) => (value === undefined || value === null ? "null" : String(value));

function regex(pattern: unknown, flags: string): RegExp {
  const compiled = compileJava(str(pattern), flags);
  if (typeof compiled === "string") throw new Error(`regex ${compiled}`);
  return compiled;
}

const STRING_METHODS: Record<string, (s: string, args: unknown[]) => unknown> = {
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  trim: (s) => s.trim(),
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  toString: (s: string) => s,
  equals: (s, [other]) => other !== null && other !== undefined && s === String(other),
  equalsIgnoreCase: (s, [other]) =>
    other !== null && other !== undefined && s.toLowerCase() === String(other).toLowerCase(),
  contains: (s, [part]) => s.includes(str(part)),
  startsWith: (s, [prefix]) => s.startsWith(str(prefix)),
  endsWith: (s, [suffix]) => s.endsWith(str(suffix)),
  indexOf: (s, [part]) => s.indexOf(str(part)),
  lastIndexOf: (s, [part]) => s.lastIndexOf(str(part)),
  charAt: (s, [index]) => s.charAt(Number(index)),
  concat: (s, [other]) => s + str(other),
  substring: (s, [begin, end]) => s.substring(Number(begin), end === undefined ? undefined : Number(end)),
  // Java's replace(CharSequence, CharSequence) replaces every occurrence, literally.
  replace: (s, [from, to]) => s.split(str(from)).join(str(to)),
  replaceAll: (s, [pattern, replacement]) =>
    s.replace(regex(pattern, "g"), javaReplacement(str(replacement))),
  replaceFirst: (s, [pattern, replacement]) =>
    s.replace(regex(pattern, ""), javaReplacement(str(replacement))),
  matches: (s, [pattern]) => {
    const compiled = compileWholeMatch(str(pattern));
    if (typeof compiled === "string") throw new Error(`regex ${compiled}`);
    return compiled.test(s);
  },
  split: (s, [pattern]) => {
    const parts = s.split(regex(pattern, ""));
    // Java drops trailing empty strings.
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    return parts;
  },
};

const COLLECTION_METHODS: Record<string, (c: object, args: unknown[]) => unknown> = {
  isEmpty: (c) => (Array.isArray(c) ? c.length === 0 : Object.keys(c).length === 0),
  contains: (c, [item]) => Array.isArray(c) && c.includes(item),
  containsKey: (c, [key]) => !Array.isArray(c) && Object.hasOwn(c, str(key)),
};

/**
 * velocityjs handlers for the Java methods above; pass as `customMethodHandlers`.
 */
export const javaMethodHandlers: MethodHandler[] = [
  {
    uid: "java: String",
    match: ({ property, context }) => typeof context === "string" && Object.hasOwn(STRING_METHODS, property),
    resolve: ({ property, context, params }) =>
      (STRING_METHODS[property] as (s: string, a: unknown[]) => unknown)(context as string, params),
  },
  {
    uid: "java: List/Map",
    match: ({ property, context }) =>
      typeof context === "object" && context !== null && Object.hasOwn(COLLECTION_METHODS, property),
    resolve: ({ property, context, params }) =>
      (COLLECTION_METHODS[property] as (c: object, a: unknown[]) => unknown)(context as object, params),
  },
];
