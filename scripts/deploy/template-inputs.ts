/**
 * What CloudFormation needs besides the template text: the parameter values (only those the
 * template declares, since CloudFormation rejects unknown ones) and the IAM capabilities it must
 * be told the template uses.
 */
import type { Capability } from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";

/** A value the deploy must set has no parameter in the template. */
export class TemplateParameterError extends ApigwTokenAuthError {}

/** IAM properties that give a resource a fixed name, which needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES = ["RoleName", "ManagedPolicyName", "UserName", "GroupName", "InstanceProfileName"];

/**
 * The parameter values to pass: `values` for the template's declared parameters. A value for a
 * parameter the template lacks is an error, because the deploy relies on it taking effect (a code
 * key that silently went nowhere would deploy old code).
 *
 * @example
 * ```ts
 * deployParameters(template, { StageName: "v1", ArtifactBucket: "b", AuthorizerCodeKey: "authorizer-function-0123.zip" });
 * ```
 */
export function deployParameters(
  template: CloudFormationTemplate,
  values: Record<string, string>,
): Record<string, string> {
  const declared = new Set(Object.keys(template.Parameters ?? {}));
  const unknown = Object.keys(values).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new TemplateParameterError(`the template has no parameter ${unknown.join(", ")}`, {
      expected: `parameters among ${[...declared].join(", ") || "none"}`,
      actual: unknown.join(", "),
    });
  }
  return { ...values };
}

/**
 * The capabilities the template needs acknowledged: CAPABILITY_IAM when it creates IAM resources,
 * CAPABILITY_NAMED_IAM when one of them has a fixed name, CAPABILITY_AUTO_EXPAND for a Transform.
 *
 * @example
 * ```ts
 * requiredCapabilities({ Resources: { R: { Type: "AWS::IAM::Role", Properties: {} } } }); // ["CAPABILITY_IAM"]
 * ```
 */
export function requiredCapabilities(template: CloudFormationTemplate): Capability[] {
  const capabilities = new Set<Capability>();
  for (const resource of Object.values(template.Resources)) {
    if (!resource.Type.startsWith("AWS::IAM::")) continue;
    capabilities.add("CAPABILITY_IAM");
    if (IAM_NAME_PROPERTIES.some((property) => resource.Properties?.[property] !== undefined)) {
      capabilities.add("CAPABILITY_NAMED_IAM");
    }
  }
  if ((template as { Transform?: unknown }).Transform !== undefined)
    capabilities.add("CAPABILITY_AUTO_EXPAND");
  return [...capabilities];
}
