/**
 * A deployed stack's outputs (`ApiUrl`, `ApiId`, `TokenTableName`, `UserTableName`), shown after a
 * deploy and read by `make smoke` and the token CLI.
 */
import type { Stack } from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";

/**
 * The stack's outputs as a name → value map.
 *
 * @example
 * ```ts
 * stackOutputs(stack); // { ApiUrl: "https://abc.execute-api.eu-west-1.amazonaws.com/v1", TokenTableName: "demo-auth-token", ... }
 * ```
 */
export function stackOutputs(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) {
      outputs[output.OutputKey] = output.OutputValue;
    }
  }
  return outputs;
}

/**
 * One output's value; throws an ApigwTokenAuthError naming the stack when it is missing.
 *
 * @example
 * ```ts
 * requireOutput(stack, "TokenTableName"); // "demo-auth-token"
 * ```
 */
export function requireOutput(stack: Stack, key: string): string {
  const value = stackOutputs(stack)[key];
  if (value === undefined || value === "") {
    throw new ApigwTokenAuthError(`stack ${stack.StackName} has no output ${key}`, {
      expected: `a stack deployed from cloudformation/api.yaml (outputs ${key}, ...)`,
      actual: `outputs: ${Object.keys(stackOutputs(stack)).join(", ") || "none"}`,
    });
  }
  return value;
}
