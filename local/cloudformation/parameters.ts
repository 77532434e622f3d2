/**
 * Choosing a template's parameter values the way CloudFormation does on create-stack: the override
 * if given, else the Default, checked against the parameter's constraints.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { CloudFormationTemplate, TemplateParameter } from "../../lib/cloudformation/load-template.js";

/** A parameter's value: list types (`CommaDelimitedList`, `List<...>`) resolve to string lists. */
export type ParameterValue = string | string[];

/**
 * The value of every parameter, overrides first, then defaults, each validated against its Type,
 * AllowedValues, AllowedPattern, Min/MaxLength and Min/MaxValue. Throws an ApigwTokenAuthError
 * naming the parameter for an unknown override, a missing value or a broken constraint.
 */
export function resolveParameters(
  template: CloudFormationTemplate,
  overrides: Record<string, string> = {},
): Record<string, ParameterValue> {
  const declared = template.Parameters ?? {};
  for (const name of Object.keys(overrides)) {
    if (!(name in declared)) {
      throw new ApigwTokenAuthError(`parameter override ${name} is not a parameter of the template`, {
        expected: `one of ${Object.keys(declared).join(", ") || "(no parameters)"}`,
        actual: name,
      });
    }
  }
  const values: Record<string, ParameterValue> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const raw = overrides[name] ?? parameter.Default;
    if (raw === undefined || raw === null) {
      throw new ApigwTokenAuthError(`parameter ${name} has no value`, {
        expected: "a Default in the template or a parameter override",
        actual: "neither",
      });
    }
    values[name] = checkParameter(name, parameter, String(raw));
  }
  return values;
}

/**
 * A parameter value as the `parameters` map of a resolved stack shows it (lists joined by commas).
 */
export function formatParameterValue(value: ParameterValue): string {
  return Array.isArray(value) ? value.join(",") : value;
}

function checkParameter(name: string, parameter: TemplateParameter, value: string): ParameterValue {
  const type = parameter.Type;
  if (typeof type !== "string") {
    throw new ApigwTokenAuthError(`parameter ${name} has no Type`, { expected: "a Type", actual: "none" });
  }
  if (type.startsWith("AWS::SSM::Parameter::")) {
    throw new ApigwTokenAuthError(`parameter ${name}: type ${type} cannot be resolved locally`, {
      expected: "a String, Number or list parameter (SSM parameter types need AWS)",
      actual: type,
    });
  }
  const isList = type === "CommaDelimitedList" || type.startsWith("List<");
  const items = isList ? value.split(",").map((item) => item.trim()) : [value];
  const isNumber = type === "Number" || type === "List<Number>";
  for (const item of items) checkItem(name, parameter, item, isNumber);
  return isList ? items : value;
}

function checkItem(name: string, parameter: TemplateParameter, value: string, isNumber: boolean): void {
  const fail = (rule: string, expected: string): never => {
    throw new ApigwTokenAuthError(
      `parameter ${name} value ${JSON.stringify(value)} breaks ${rule}${
        parameter.ConstraintDescription ? ` (${parameter.ConstraintDescription})` : ""
      }`,
      { expected, actual: JSON.stringify(value) },
    );
  };
  if (parameter.AllowedValues && !parameter.AllowedValues.map(String).includes(value)) {
    fail("AllowedValues", `one of ${parameter.AllowedValues.join(", ")}`);
  }
  if (
    parameter.AllowedPattern !== undefined &&
    !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value)
  ) {
    fail("AllowedPattern", `a value matching ${parameter.AllowedPattern}`);
  }
  if (parameter.MinLength !== undefined && value.length < Number(parameter.MinLength)) {
    fail("MinLength", `at least ${parameter.MinLength} characters`);
  }
  if (parameter.MaxLength !== undefined && value.length > Number(parameter.MaxLength)) {
    fail("MaxLength", `at most ${parameter.MaxLength} characters`);
  }
  if (!isNumber) return;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) fail("Type Number", "a number");
  if (parameter.MinValue !== undefined && number < Number(parameter.MinValue)) {
    fail("MinValue", `a number >= ${parameter.MinValue}`);
  }
  if (parameter.MaxValue !== undefined && number > Number(parameter.MaxValue)) {
    fail("MaxValue", `a number <= ${parameter.MaxValue}`);
  }
}
