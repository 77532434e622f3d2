/**
 * API Gateway mapping templates (VTL) on velocityjs: `$input`, `$util`, `$context`,
 * `$stageVariables`, with JSONPath by jsonpath-plus and the Java String methods templates use.
 */
import { JSONPath } from "jsonpath-plus";
import { Compile, parse } from "velocityjs";
import { BodyParseError, MappingError } from "./errors.js";
import { javaMethodHandlers } from "./java-string-methods.js";

/** What a template can see. */
export interface TemplateInput {
  /** The payload: the request body (request templates) or the integration output (response templates). */
  body: string;
  /** Request parameters for `$input.params()`. */
  params: {
    path: Record<string, string>;
    querystring: Record<string, string>;
    header: Record<string, string>;
  };
  /** `$context` variables. */
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

const compiled = new Map<string, ReturnType<typeof parse>>();

/**
 * Renders a mapping template. Throws {@link BodyParseError} when the template reads the body as
 * JSON and it is not JSON, {@link MappingError} when the template itself is broken.
 *
 * @example
 * ```ts
 * renderTemplate('{"id":"$input.params(\'id\')","name":$input.json(\'$.name\')}', {
 *   body: '{"name":"Ann"}', params: { path: { id: "7" }, querystring: {}, header: {} }, context: {}, stageVariables: {} });
 * // '{"id":"7","name":"Ann"}'
 * ```
 */
export function renderTemplate(template: string, input: TemplateInput): string {
  let asts = compiled.get(template);
  if (!asts) {
    try {
      asts = parse(template);
    } catch (error) {
      throw new MappingError(`mapping template does not parse: ${(error as Error).message}`, {
        cause: error,
      });
    }
    compiled.set(template, asts);
  }
  const context = {
    input: inputVariable(input),
    util,
    context: input.context,
    stageVariables: input.stageVariables,
  };
  try {
    return new Compile(asts, { customMethodHandlers: javaMethodHandlers }).render(context, undefined, true);
  } catch (error) {
    if (error instanceof BodyParseError) throw error;
    throw new MappingError(`mapping template failed: ${(error as Error).message}`, { cause: error });
  }
}

function inputVariable(input: TemplateInput) {
  let parsed: { value: unknown } | undefined;
  const json = (): unknown => {
    if (!parsed) {
      if (input.body.trim() === "") parsed = { value: {} };
      else {
        try {
          parsed = { value: JSON.parse(input.body) };
        } catch (error) {
          throw new BodyParseError(`Could not parse request body into json: ${(error as Error).message}`);
        }
      }
    }
    return parsed.value;
  };
  const select = (path: unknown): unknown =>
    JSONPath({ path: String(path ?? "$"), json: json() as object, wrap: false, eval: "safe" });
  const { params } = input;
  return {
    body: input.body,
    /** JSONPath → JSON text (missing → empty, see README). */
    json: (path: unknown) => {
      const value = select(path);
      return value === undefined ? "" : JSON.stringify(value);
    },
    /** JSONPath → value usable in VTL. */
    path: (path: unknown) => select(path),
    /** All parameters, or one by name: path, then query string, then header. */
    params: (name?: unknown) => {
      if (name === undefined) return params;
      const key = String(name);
      if (Object.hasOwn(params.path, key)) return params.path[key];
      if (Object.hasOwn(params.querystring, key)) return params.querystring[key];
      const header =
        Object.keys(params.header).find((h) => h === key) ??
        Object.keys(params.header).find((h) => h.toLowerCase() === key.toLowerCase());
      return header === undefined ? "" : params.header[header];
    },
  };
}

const JS_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "'": "\\'",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * `$util`, as documented for API Gateway mapping templates.
 */
export const util = {
  /** Apache Commons `escapeJavaScript`: quotes (also `'`), backslash, `/`, control and non-ASCII characters. */
  escapeJavaScript: (value: unknown): string => {
    let out = "";
    for (const c of String(value ?? "")) {
      const code = c.charCodeAt(0);
      const named = JS_ESCAPES[c];
      if (named !== undefined) out += named;
      else if (code < 0x20 || code > 0x7e) {
        // Astral characters become their two UTF-16 escapes, as Java's char-based loop produces.
        for (let i = 0; i < c.length; i++)
          out += `\\u${c.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`;
      } else out += c;
    }
    return out;
  },
  parseJson: (value: unknown): unknown => {
    try {
      return JSON.parse(String(value));
    } catch (error) {
      throw new MappingError(`$util.parseJson: ${(error as Error).message}`);
    }
  },
  /** Java `URLEncoder.encode(value, "UTF-8")`: space → `+`, only `A-Za-z0-9.-*_` kept. */
  urlEncode: (value: unknown): string =>
    encodeURIComponent(String(value ?? ""))
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, "+"),
  urlDecode: (value: unknown): string => decodeURIComponent(String(value ?? "").replace(/\+/g, " ")),
  base64Encode: (value: unknown): string => Buffer.from(String(value ?? ""), "utf8").toString("base64"),
  base64Decode: (value: unknown): string => Buffer.from(String(value ?? ""), "base64").toString("utf8"),
};
