/**
 * A deployed stack: finding it, its outputs (`ApiUrl`, `ApiId`, `TokenTableName`, ...; shown after a
 * deploy and read by `make smoke`, `make logs` and the token CLI), and what state it is in, and so
 * what `make deploy` may do with it.
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  type Stack,
  type StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "./aws-errors.js";

/** Stack statuses from which an UPDATE change set may be created. */
const UPDATABLE = new Set([
  "CREATE_COMPLETE",
  "UPDATE_COMPLETE",
  "UPDATE_ROLLBACK_COMPLETE",
  "IMPORT_COMPLETE",
  "IMPORT_ROLLBACK_COMPLETE",
]);

/** What a deploy does with the stack. */
export type DeployAction =
  | { kind: "create" }
  | { kind: "update"; stack: Stack }
  /** A CREATE change set failed or was never executed: the stack is an empty shell; CREATE again. */
  | { kind: "create-over-review"; stack: Stack }
  /** The first create failed and rolled back: the stack must be deleted before it can be created. */
  | { kind: "rollback-complete"; stack: Stack };

/**
 * The stack called `stackName` (or with that id), or `undefined` when there is none: DescribeStacks
 * answers a missing stack with a ValidationError "... does not exist", not a 404.
 */
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

/** The stack called `stackName`; throws an ApigwTokenAuthError saying so when there is none. */
export async function requireStack(cloudformation: CloudFormationClient, stackName: string): Promise<Stack> {
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined) {
    throw new ApigwTokenAuthError(`stack ${stackName} not found`, {
      expected: "a stack deployed with make deploy (check STACK_NAME and AWS_REGION)",
      actual: "no such stack",
    });
  }
  return stack;
}

/** The stack's resources, every page of ListStackResources. */
export async function listStackResources(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  await callAws("cloudformation:ListStackResources", async () => {
    for await (const page of paginateListStackResources(
      { client: cloudformation },
      { StackName: stackName },
    )) {
      resources.push(...(page.StackResourceSummaries ?? []));
    }
  });
  return resources;
}

/** The stack's outputs as a name → value map. */
export function stackOutputs(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
      OutputKey === undefined || OutputValue === undefined ? [] : [[OutputKey, OutputValue]],
    ),
  );
}

/**
 * One output's value; throws an ApigwTokenAuthError naming the stack when it is missing.
 */
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

/**
 * Decides what a deploy does with a stack in `stack`'s state; throws an ApigwTokenAuthError when
 * the stack is busy or stuck in a state only an operator can resolve.
 */
export function deployActionFor(stack: Stack | undefined): DeployAction {
  if (stack === undefined) return { kind: "create" };
  const status = stack.StackStatus ?? "UNKNOWN";
  const name = stack.StackName ?? "the stack";
  if (status === "REVIEW_IN_PROGRESS") return { kind: "create-over-review", stack };
  if (status === "ROLLBACK_COMPLETE") return { kind: "rollback-complete", stack };
  if (UPDATABLE.has(status)) return { kind: "update", stack };
  if (status.endsWith("_IN_PROGRESS")) {
    throw new ApigwTokenAuthError(
      `stack ${name} is busy (${status}): wait until it settles, then deploy again`,
      { expected: "a stack that is not being changed", actual: status },
    );
  }
  if (status === "UPDATE_ROLLBACK_FAILED") {
    throw new ApigwTokenAuthError(
      `stack ${name} is ${status}: fix the resource that could not roll back, then run ` +
        `\`aws cloudformation continue-update-rollback --stack-name ${name}\` and deploy again`,
      { expected: "a stack in a *_COMPLETE state", actual: status },
    );
  }
  throw new ApigwTokenAuthError(
    `stack ${name} is ${status} and cannot be updated: delete it with \`make destroy STACK_NAME=${name}\` ` +
      "(the tables are retained) and deploy again",
    { expected: "a stack in a *_COMPLETE state", actual: status },
  );
}
