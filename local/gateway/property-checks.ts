/**
 * Property allow-lists: which CloudFormation properties the local gateway understands, so that a
 * property that would change behaviour is refused by name instead of silently ignored.
 */
import { cannotEmulate, invalidTemplate } from "./errors.js";

/**
 * Refuses any property of `properties` not in `allowed` (a list of names the emulation honours or
 * that cannot change a response, such as `Description`).
 */
export function allowOnly(
  logicalId: string,
  prefix: string,
  properties: Record<string, unknown>,
  allowed: readonly string[],
): void {
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || allowed.includes(name)) continue;
    throw cannotEmulate(logicalId, `${prefix}${name}`, {
      expected: `only ${allowed.join(", ")} (the local gateway does not emulate ${name})`,
      actual: "a value",
    });
  }
}

/**
 * Reads a required string property.
 */
export function requireString(logicalId: string, property: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw invalidTemplate(logicalId, property, {
      expected: "a non-empty string",
      actual: value === undefined ? "nothing" : JSON.stringify(value),
    });
  }
  return value;
}

/**
 * Reads an optional map of strings (`RequestTemplates`, `ResponseParameters`, ...); absent → `{}`.
 */
export function stringMap(logicalId: string, property: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidTemplate(logicalId, property, { expected: "a map", actual: typeof value });
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw invalidTemplate(logicalId, `${property}.${key}`, {
        expected: "a string",
        actual: JSON.stringify(item),
      });
    }
  }
  return value as Record<string, string>;
}

/**
 * Reads an optional map of booleans (`Method.RequestParameters`); absent → `{}`. CloudFormation
 * also accepts the strings "true"/"false", which arrive as strings after resolution.
 */
export function booleanMap(logicalId: string, property: string, value: unknown): Record<string, boolean> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidTemplate(logicalId, property, { expected: "a map", actual: typeof value });
  }
  const result: Record<string, boolean> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = item === true || item === "true";
  }
  return result;
}

/**
 * Whether a CloudFormation boolean (a boolean or the strings "true"/"false") is true.
 */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}
