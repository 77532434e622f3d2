/**
 * Evaluating CloudFormation intrinsic functions (`Ref`, `Fn::Sub`, `Fn::GetAtt`, ...) in a template
 * value, given the stack's parameters, conditions and already-resolved resources.
 *
 * Functions that need a real AWS account (`Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`,
 * `Fn::Transform`) are refused with the path of the value that uses them, never guessed.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";
import type { ParameterValue } from "./parameters.js";

/** What `Ref: AWS::NoValue` resolves to: the enclosing property or list item is removed. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

/** A resource as far as intrinsics see it. */
export interface ReferencedResource {
  type: string;
  physicalId: string;
  attributes: Record<string, string>;
  /**
   * The local run does not know this type's attributes (nothing of the API uses it, e.g. an
   * EventBridge rule): `Fn::GetAtt` gives a well-formed placeholder instead of stopping start-up.
   */
  placeholderAttributes?: boolean;
}

/** Everything an intrinsic may refer to. */
export interface IntrinsicContext {
  /** Pseudo parameters by name (`AWS::Region`, ...); `AWS::NoValue` is handled here. */
  pseudoParameters: Record<string, string | string[]>;
  parameters: Record<string, ParameterValue>;
  mappings: NonNullable<CloudFormationTemplate["Mappings"]>;
  /** Whether a named condition holds; throws for an unknown one. */
  condition(name: string, path: string): boolean;
  /** A resolved resource; throws for one that does not exist (or whose condition is false). */
  resource(logicalId: string, path: string): ReferencedResource;
}

const UNSUPPORTED: Record<string, string> = {
  "Fn::ImportValue": "another stack's exports, which only exist in AWS",
  "Fn::GetAZs": "the region's availability zones, which only AWS knows",
  "Fn::Cidr": "CIDR arithmetic, which the local run has no use for",
  "Fn::Transform": "a CloudFormation macro, which runs in AWS",
};

/**
 * Resolves every intrinsic function in `value`. Returns {@link NO_VALUE} when the whole value is
 * `Ref: AWS::NoValue`; object entries and list items that resolve to it are dropped. `path` names
 * the value in errors (`Resources.Fn.Properties.Code.S3Key`).
 */
export function resolveValue(value: unknown, context: IntrinsicContext, path: string): unknown {
  if (Array.isArray(value)) {
    return value
      .map((item, index) => resolveValue(item, context, `${path}[${index}]`))
      .filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === "Ref" || first[0].startsWith("Fn::"))) {
    return resolveFunction(first[0], first[1], context, `${path}.${first[0]}`);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, context, `${path}.${key}`);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

/**
 * The logical ids a value refers to through `Ref`, `Fn::GetAtt` and `Fn::Sub` (names that are not
 * resources are included; the caller filters), so resources can be resolved in dependency order.
 */
export function referencedNames(value: unknown, names: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, names);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "Ref" && typeof item === "string") names.add(item);
      else if (key === "Fn::GetAtt") names.add(getAttTarget(item));
      else if (key === "Fn::Sub") {
        const text = Array.isArray(item) ? item[0] : item;
        if (typeof text === "string")
          for (const name of subVariables(text)) names.add(name.split(".")[0] ?? name);
      }
      referencedNames(item, names);
    }
  }
  return names;
}

function resolveFunction(name: string, argument: unknown, context: IntrinsicContext, path: string): unknown {
  const unsupported = UNSUPPORTED[name];
  if (unsupported) {
    throw new ApigwTokenAuthError(`${path}: ${name} cannot be resolved locally: it needs ${unsupported}`, {
      expected: "a value the template can compute itself (Ref, Sub, Join, If, ...)",
      actual: name,
    });
  }
  const resolve = (item: unknown, suffix = "") => resolveValue(item, context, `${path}${suffix}`);
  switch (name) {
    case "Ref":
      return ref(expectString(argument, path, "a name"), context, path);
    case "Fn::GetAtt":
      return getAtt(argument, context, path);
    case "Fn::Sub":
      return sub(argument, context, path);
    case "Fn::Join": {
      const [delimiter, items] = expectArgs(argument, 2, path, "[delimiter, [values]]");
      const list = expectList(resolve(items, "[1]"), path);
      return list
        .map((item) => scalarString(item, path))
        .join(expectString(resolve(delimiter), path, "a delimiter"));
    }
    case "Fn::Select": {
      const [index, items] = expectArgs(argument, 2, path, "[index, [values]]");
      const list = expectList(resolve(items, "[1]"), path);
      const position = Number(resolve(index, "[0]"));
      if (!Number.isInteger(position) || position < 0 || position >= list.length) {
        throw new ApigwTokenAuthError(`${path}: index out of range`, {
          expected: `an integer from 0 to ${list.length - 1}`,
          actual: String(position),
        });
      }
      return list[position];
    }
    case "Fn::Split": {
      const [delimiter, text] = expectArgs(argument, 2, path, "[delimiter, string]");
      return expectString(resolve(text, "[1]"), path, "a string").split(
        expectString(resolve(delimiter), path, "a delimiter"),
      );
    }
    case "Fn::If": {
      const [condition, whenTrue, whenFalse] = expectArgs(
        argument,
        3,
        path,
        "[condition, valueIfTrue, valueIfFalse]",
      );
      const holds = context.condition(expectString(condition, path, "a condition name"), path);
      return holds ? resolve(whenTrue, "[1]") : resolve(whenFalse, "[2]");
    }
    case "Fn::FindInMap":
      return findInMap(argument, context, path);
    case "Fn::Base64":
      return Buffer.from(expectString(resolve(argument), path, "a string"), "utf8").toString("base64");
    case "Fn::ToJsonString":
      return JSON.stringify(resolve(argument));
    case "Fn::Length":
      return expectList(resolve(argument), path).length;
    default:
      throw new ApigwTokenAuthError(`${path}: unknown intrinsic function ${name}`, {
        expected:
          "Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If, Fn::FindInMap, Fn::Base64",
        actual: name,
      });
  }
}

function ref(name: string, context: IntrinsicContext, path: string): unknown {
  if (name === "AWS::NoValue") return NO_VALUE;
  const pseudo = context.pseudoParameters[name];
  if (pseudo !== undefined) return pseudo;
  if (name.startsWith("AWS::")) {
    throw new ApigwTokenAuthError(`${path}: unknown pseudo parameter ${name}`, {
      expected: `one of ${[...Object.keys(context.pseudoParameters), "AWS::NoValue"].join(", ")}`,
      actual: name,
    });
  }
  const parameter = context.parameters[name];
  if (parameter !== undefined) return parameter;
  return context.resource(name, path).physicalId;
}

function getAttTarget(argument: unknown): string {
  if (typeof argument === "string") return argument.split(".")[0] ?? argument;
  return Array.isArray(argument) && typeof argument[0] === "string" ? argument[0] : "";
}

function getAtt(argument: unknown, context: IntrinsicContext, path: string): string {
  let logicalId: unknown;
  let attribute: unknown;
  if (typeof argument === "string") {
    const dot = argument.indexOf(".");
    [logicalId, attribute] =
      dot < 0 ? [argument, undefined] : [argument.slice(0, dot), argument.slice(dot + 1)];
  } else {
    [logicalId, attribute] = expectArgs(argument, 2, path, "[logicalId, attribute]");
    attribute = resolveValue(attribute, context, `${path}[1]`);
  }
  return attributeOf(
    expectString(logicalId, path, "a logical id"),
    expectString(attribute, path, "an attribute"),
    context,
    path,
  );
}

function attributeOf(logicalId: string, attribute: string, context: IntrinsicContext, path: string): string {
  const resource = context.resource(logicalId, path);
  if (resource.attributes[attribute] === undefined && resource.placeholderAttributes) {
    resource.attributes[attribute] = placeholderAttribute(resource, attribute, context);
  }
  const value = resource.attributes[attribute];
  if (value === undefined) {
    const known = Object.keys(resource.attributes);
    throw new ApigwTokenAuthError(
      `${path}: ${logicalId} has no attribute ${attribute} the local run can resolve`,
      {
        expected: known.length > 0 ? `one of ${known.join(", ")}` : "no GetAtt on this resource type",
        actual: attribute,
      },
    );
  }
  return value;
}

/**
 * A stand-in for an attribute of a resource type the local run does not model: an ARN of the
 * service's usual shape for `Arn`/`…Arn` (`AWS::Events::Rule` → `arn:aws:events:REGION:ACCOUNT:rule/NAME`),
 * else `<physical id>.<attribute>`. Well-formed, so policies and environment variables that carry it
 * resolve; anything that would need the real value (an integration URI, a role) is refused where
 * it is used.
 */
function placeholderAttribute(
  resource: ReferencedResource,
  attribute: string,
  context: IntrinsicContext,
): string {
  if (!attribute.endsWith("Arn")) return `${resource.physicalId}.${attribute}`;
  const [, service = "unknown", kind = "resource"] = resource.type.split("::");
  const pseudo = (name: string) => String(context.pseudoParameters[name] ?? "");
  return `arn:${pseudo("AWS::Partition")}:${service.toLowerCase()}:${pseudo("AWS::Region")}:${pseudo("AWS::AccountId")}:${kind.toLowerCase()}/${resource.physicalId}`;
}

function sub(argument: unknown, context: IntrinsicContext, path: string): string {
  const [text, variables] = Array.isArray(argument)
    ? expectArgs(argument, 2, path, "[string, {variables}]")
    : [argument, {}];
  const template = expectString(text, path, "a string");
  const local = resolveValue(variables, context, `${path}[1]`) as Record<string, unknown>;
  return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith("!")) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in local) return scalarString(local[name], path);
    if (name in context.pseudoParameters || name in context.parameters || !name.includes(".")) {
      return scalarString(ref(name, context, path), path);
    }
    const dot = name.indexOf(".");
    return attributeOf(name.slice(0, dot), name.slice(dot + 1), context, path);
  });
}

function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => (match[1] as string).trim());
}

function findInMap(argument: unknown, context: IntrinsicContext, path: string): unknown {
  const args = Array.isArray(argument) ? argument : [];
  if (args.length !== 3 && args.length !== 4) {
    throw new ApigwTokenAuthError(`${path}: Fn::FindInMap takes [map, topKey, secondKey]`, {
      expected: "a list of 3 values (4 with { DefaultValue })",
      actual: JSON.stringify(argument),
    });
  }
  const [map, top, second] = args
    .slice(0, 3)
    .map((item, index) => expectString(resolveValue(item, context, `${path}[${index}]`), path, "a key"));
  const value = context.mappings[map as string]?.[top as string]?.[second as string];
  if (value !== undefined) return value;
  const fallback = (args[3] as { DefaultValue?: unknown } | undefined)?.DefaultValue;
  if (fallback !== undefined) return resolveValue(fallback, context, `${path}[3]`);
  throw new ApigwTokenAuthError(`${path}: Mappings has no ${map}.${top}.${second}`, {
    expected: `a key of Mappings.${map}`,
    actual: `${map}.${top}.${second}`,
  });
}

function expectArgs(argument: unknown, count: number, path: string, shape: string): unknown[] {
  if (!Array.isArray(argument) || argument.length !== count) {
    throw new ApigwTokenAuthError(`${path}: expected ${shape}`, {
      expected: `a list of ${count} values`,
      actual: JSON.stringify(argument)?.slice(0, 200) ?? "undefined",
    });
  }
  return argument;
}

function expectString(value: unknown, path: string, what: string): string {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") {
    throw new ApigwTokenAuthError(`${path}: expected ${what}`, {
      expected: "a string",
      actual: Array.isArray(value) ? "a list" : typeof value,
    });
  }
  return value;
}

function expectList(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ApigwTokenAuthError(`${path}: expected a list`, { expected: "a list", actual: typeof value });
  }
  return value;
}

function scalarString(value: unknown, path: string): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  throw new ApigwTokenAuthError(`${path}: expected a string value`, {
    expected: "a string, number or boolean",
    actual: Array.isArray(value) ? "a list" : typeof value,
  });
}
