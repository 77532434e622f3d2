/**
 * Resource/method routing: which method of the API a request path and verb select, and the path
 * parameters it fills in.
 *
 * API Gateway prefers, segment by segment, a literal path part over a `{param}` over a greedy
 * `{proxy+}`, and a method for the exact verb over `ANY`. A path with no method for its verb is a
 * `403 Missing Authentication Token`, answered before any authorizer runs.
 */
import type { MethodModel } from "./api-model-types.js";

/** A selected method with the path parameters taken from the request path. */
export interface Route {
  method: MethodModel;
  /** Decoded path parameter values by name (`{id}` → `id`, `{proxy+}` → `proxy`). */
  pathParameters: Record<string, string>;
}

interface Node {
  literal: Map<string, Node>;
  param: { name: string; node: Node } | undefined;
  greedy: { name: string; node: Node } | undefined;
  methods: Map<string, MethodModel>;
  /** The resource path of the node's methods (set with the first one). */
  resourcePath?: string;
}

const newNode = (): Node => ({ literal: new Map(), param: undefined, greedy: undefined, methods: new Map() });

/** A router over the methods of one API. */
export interface Router {
  /**
   * The method for `verb` on `path` (the path after the stage, starting with `/`), or undefined.
   */
  route(verb: string, path: string): Route | undefined;
  /** Why `route(verb, path)` found no method, in words (for the decision trace). */
  explainMiss(verb: string, path: string): string;
}

/**
 * Builds a router from the API's methods.
 */
export function createRouter(methods: readonly MethodModel[]): Router {
  const root = newNode();
  for (const method of methods) {
    let node = root;
    for (const part of segments(method.resourcePath)) {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      const param = /^\{(.+)\}$/.exec(part);
      if (greedy) {
        node.greedy ??= { name: greedy[1] as string, node: newNode() };
        node = node.greedy.node;
      } else if (param) {
        node.param ??= { name: param[1] as string, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(part);
        if (!next) {
          next = newNode();
          node.literal.set(part, next);
        }
        node = next;
      }
    }
    node.methods.set(method.httpMethod, method);
    node.resourcePath ??= method.resourcePath;
  }
  return {
    route(verb, path) {
      const parts = segments(path).map(safeDecode);
      const found = match(root, parts, 0, {});
      if (!found) return undefined;
      const method = found.node.methods.get(verb.toUpperCase()) ?? found.node.methods.get("ANY");
      return method ? { method, pathParameters: found.params } : undefined;
    },
    explainMiss(verb, path) {
      const found = match(root, segments(path).map(safeDecode), 0, {});
      if (!found) return `no resource of the API matches ${path}`;
      const verbs = [...found.node.methods.keys()].sort().join(", ");
      return `resource ${found.node.resourcePath} has no ${verb.toUpperCase()} method (it has ${verbs})`;
    },
  };
}

/** Depth-first, most specific first; only resources that have methods count as matches. */
function match(
  node: Node,
  parts: string[],
  index: number,
  params: Record<string, string>,
): { node: Node; params: Record<string, string> } | undefined {
  if (index === parts.length) {
    if (node.methods.size > 0) return { node, params };
    return undefined;
  }
  const part = parts[index] as string;
  const literal = node.literal.get(part);
  const viaLiteral = literal && match(literal, parts, index + 1, params);
  if (viaLiteral) return viaLiteral;
  if (node.param && part !== "") {
    const viaParam = match(node.param.node, parts, index + 1, { ...params, [node.param.name]: part });
    if (viaParam) return viaParam;
  }
  if (node.greedy && node.greedy.node.methods.size > 0) {
    return {
      node: node.greedy.node,
      params: { ...params, [node.greedy.name]: parts.slice(index).join("/") },
    };
  }
  return undefined;
}

/** Path segments; a trailing slash is ignored (`/user/` routes like `/user`). */
function segments(path: string): string[] {
  const trimmed = path.replace(/^\/+/, "").replace(/\/$/, "");
  return trimmed === "" ? [] : trimmed.split("/");
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
