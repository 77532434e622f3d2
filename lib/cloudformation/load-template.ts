/**
 * Loading CloudFormation templates written in YAML with the short-form intrinsic tags
 * (`!Ref`, `!Sub`, `!GetAtt`, …), into the same JSON shape CloudFormation itself works on
 * (`{ "Ref": … }`, `{ "Fn::Sub": … }`, …).
 *
 * Used by the template tests, the local gateway and the deploy scripts, so the template has one reader.
 */
import { readFileSync } from "node:fs";
import { type CollectionTag, parse, type ScalarTag } from "yaml";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/** A CloudFormation template as JSON. */
export interface CloudFormationTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

/** A `Parameters` entry. */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  Description?: string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  MinLength?: number;
  MaxLength?: number;
  ConstraintDescription?: string;
}

/** A `Resources` entry. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

/** An `Outputs` entry. */
export interface TemplateOutput {
  Description?: string;
  Value: unknown;
  Condition?: string;
  Export?: { Name: unknown };
}

/** Short-form tags whose long form is `Fn::<Name>`, except the ones listed in LONG_FORM. */
const FUNCTION_TAGS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAtt",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
  "Length",
  "ToJsonString",
];
const LONG_FORM: Record<string, string> = { Ref: "Ref", Condition: "Condition" };

function keyFor(name: string): string {
  return LONG_FORM[name] ?? `Fn::${name}`;
}

function tagsFor(name: string): (ScalarTag | CollectionTag)[] {
  const key = keyFor(name);
  const tag = `!${name}`;
  const scalar: ScalarTag = {
    tag,
    identify: () => false,
    resolve: (value: string) => {
      // `!GetAtt Resource.Attribute` is the one short form whose scalar becomes a list.
      if (name === "GetAtt") {
        const dot = value.indexOf(".");
        return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { [key]: value };
    },
  };
  const sequence: CollectionTag = {
    tag,
    collection: "seq",
    identify: () => false,
    resolve: (value) => ({ [key]: value.toJSON() }),
  };
  const map: CollectionTag = {
    tag,
    collection: "map",
    identify: () => false,
    resolve: (value) => ({ [key]: value.toJSON() }),
  };
  return [scalar, sequence, map];
}

const CUSTOM_TAGS = [...FUNCTION_TAGS, ...Object.keys(LONG_FORM)].flatMap(tagsFor);

/**
 * Parses CloudFormation YAML (or JSON, which is YAML) text into a template object.
 */
export function parseTemplate(text: string, source = "template"): CloudFormationTemplate {
  let document: unknown;
  try {
    document = parse(text, {
      customTags: CUSTOM_TAGS,
      prettyErrors: true,
      uniqueKeys: true,
      maxAliasCount: 100,
    });
  } catch (error) {
    throw new ApigwTokenAuthError(`${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  const resources = (document as { Resources?: unknown } | null)?.Resources;
  if (typeof resources !== "object" || resources === null || Array.isArray(resources)) {
    throw new ApigwTokenAuthError(`${source}: not a CloudFormation template`, {
      expected: "a mapping with a Resources section",
      actual: document === null ? "an empty document" : typeof document,
    });
  }
  return document as CloudFormationTemplate;
}

/**
 * Reads and parses a template file.
 *
 * @example
 * ```ts
 * const template = loadTemplate("cloudformation/api.yaml");
 * ```
 */
export function loadTemplate(path: string): CloudFormationTemplate {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ApigwTokenAuthError(`cannot read template ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseTemplate(text, path);
}
