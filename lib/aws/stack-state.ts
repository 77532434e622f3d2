/** A deployed stack: finding it, its resources, and its outputs (read by smoke, logs and the token CLI). */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  type Stack,
  type StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "./aws-errors.js";

/** The stack of that name or id, or `undefined`: DescribeStacks answers none with a ValidationError. */
export async function findStack(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const result = await callAws("cloudformation:DescribeStacks", () =>
      cloudformation.send(new DescribeStacksCommand({ StackName: stackName })),
    );
    return result.Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && error.name === "ValidationError" && /does not exist/.test(error.message)) {
      return undefined;
    }
    throw error;
  }
}

/** The stack, or an error naming the region and `setting` (where the operator gave the name). */
export async function requireStack(
  cloudformation: CloudFormationClient,
  stackName: string,
  setting = "STACK_NAME",
): Promise<Stack> {
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined || stack.StackStatus === "DELETE_COMPLETE") {
    throw new ApigwTokenAuthError(`stack ${stackName} not found in ${await cloudformation.config.region()}`, {
      expected: `a stack deployed with make deploy (check ${setting} and AWS_REGION)`,
      actual: "no such stack",
    });
  }
  return stack;
}

export async function listStackResources(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  const pages = paginateListStackResources({ client: cloudformation }, { StackName: stackName });
  await callAws("cloudformation:ListStackResources", async () => {
    for await (const page of pages) resources.push(...(page.StackResourceSummaries ?? []));
  });
  return resources;
}

export function stackOutputs(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
      OutputKey === undefined || OutputValue === undefined ? [] : [[OutputKey, OutputValue]],
    ),
  );
}

/** One output's value, or an error naming the stack and the outputs it has. */
export function requireOutput(stack: Stack, key: string): string {
  const outputs = stackOutputs(stack);
  const value = outputs[key];
  if (value === undefined || value === "") {
    throw new ApigwTokenAuthError(`stack ${stack.StackName} has no output ${key}`, {
      expected: `a stack deployed from cloudformation/api.yaml (outputs ${key}, ...)`,
      actual: `outputs: ${Object.keys(outputs).join(", ") || "none"}`,
    });
  }
  return value;
}
