/**
 * The Lambda functions to build, read from the template (the one truth about the API).
 *
 * Each `AWS::Lambda::Function` names its source in `Metadata.BuildEntryPoint` (as SAM does with
 * `Metadata`), and its `Code.S3Key` is a `Ref` to the parameter that `make deploy` sets to the zip's
 * content-hashed key.
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { CloudFormationTemplate } from "../cloudformation/load-template.js";

/** The template path, relative to the repository root. */
export const TEMPLATE_PATH = "cloudformation/api.yaml";

/** One function to bundle and package. */
export interface FunctionSpec {
  /** The function's logical id, e.g. `AuthorizerFunction`. */
  logicalId: string;
  /** Its source entry point, relative to the repository root, e.g. `handlers/authorizer/index.ts`. */
  entryPoint: string;
  /** The template parameter its `Code.S3Key` refs, e.g. `AuthorizerCodeKey`. */
  codeKeyParameter: string;
}

/**
 * The template's Lambda functions, sorted by logical id; throws an ApigwTokenAuthError for a
 * function without a `.ts` BuildEntryPoint or whose `Code.S3Key` is not a `Ref` to a parameter.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "../cloudformation/load-template.js";
 *
 * listFunctions(loadTemplate(TEMPLATE_PATH));
 * // [{ logicalId: "AuthorizerFunction", entryPoint: "handlers/authorizer/index.ts", codeKeyParameter: "AuthorizerCodeKey" }, ...]
 * ```
 */
export function listFunctions(template: CloudFormationTemplate): FunctionSpec[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === "AWS::Lambda::Function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([logicalId, resource]) => {
      const entryPoint = resource.Metadata?.BuildEntryPoint;
      if (
        typeof entryPoint !== "string" ||
        !/^[\w-][\w./-]*\.ts$/.test(entryPoint) ||
        entryPoint.includes("..")
      ) {
        throw new ApigwTokenAuthError(`${logicalId}: Metadata.BuildEntryPoint is missing or invalid`, {
          expected: "a .ts path inside the repository, e.g. handlers/<fn>/index.ts",
          actual: typeof entryPoint === "string" ? JSON.stringify(entryPoint) : typeof entryPoint,
        });
      }
      const code = resource.Properties?.Code as { S3Key?: { Ref?: unknown } } | undefined;
      const codeKeyParameter = code?.S3Key?.Ref;
      if (typeof codeKeyParameter !== "string" || template.Parameters?.[codeKeyParameter] === undefined) {
        throw new ApigwTokenAuthError(`${logicalId}: Code.S3Key must be a Ref to a template parameter`, {
          expected: "S3Key: !Ref <X>CodeKey",
          actual: JSON.stringify(code?.S3Key ?? null),
        });
      }
      return { logicalId, entryPoint, codeKeyParameter };
    });
}

/**
 * A logical id in kebab case, the stem of the function's zip name.
 */
export function kebabCase(logicalId: string): string {
  return logicalId
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}
