/**
 * Change sets: `make deploy` never changes a stack blind. It creates a change set with the template's
 * parameters and capabilities, waits until CloudFormation has computed it (the SDK waiter), prints
 * what would change, and only then executes it.
 */
import {
  type Capability,
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  type CreateChangeSetCommandInput,
  DeleteChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  paginateDescribeChangeSet,
  waitUntilChangeSetCreateComplete,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";
import type { WaitTiming } from "./settings.js";
import { formatTable } from "./stack-events.js";

/** The status reasons CloudFormation gives an empty change set. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** IAM properties that give a resource a fixed name, which needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES = ["RoleName", "ManagedPolicyName", "UserName", "GroupName", "InstanceProfileName"];

/**
 * Creates the change set and waits for it; returns it with its changes (every page), or "no changes"
 * for an empty one. An empty or failed change set is deleted, so the stack's list stays clean; a
 * failed one is thrown with CloudFormation's reason.
 */
export async function createChangeSet(
  cloudformation: CloudFormationClient,
  input: CreateChangeSetCommandInput & { StackName: string; ChangeSetName: string },
  timing: WaitTiming,
): Promise<{ changeSetId: string; stackId: string; changes: Change[] } | { noChanges: string }> {
  const created = await callAws("cloudformation:CreateChangeSet", () =>
    cloudformation.send(new CreateChangeSetCommand(input)),
  );
  const id = { StackName: input.StackName, ChangeSetName: created.Id ?? input.ChangeSetName };
  const describe = async () => {
    const pages: DescribeChangeSetCommandOutput[] = [];
    await callAws("cloudformation:DescribeChangeSet", async () => {
      for await (const page of paginateDescribeChangeSet({ client: cloudformation }, id)) pages.push(page);
    });
    return pages;
  };
  // Read once before waiting: the waiter retries every error but ValidationError, so a denied
  // DescribeChangeSet would otherwise only surface when the wait times out.
  let pages = await describe();
  if (pages[0]?.Status === "CREATE_PENDING" || pages[0]?.Status === "CREATE_IN_PROGRESS") {
    try {
      await waitUntilChangeSetCreateComplete({ client: cloudformation, ...timing }, id);
    } catch (error) {
      if ((error as Error).name === "TimeoutError") {
        throw new ApigwTokenAuthError(`change set ${input.ChangeSetName} was not ready in time`, {
          expected: `CREATE_COMPLETE within ${timing.maxWaitTime} s`,
          actual: "still being created",
        });
      }
      // FAILED: the status and its reason are read below.
    }
    pages = await describe();
  }
  const described = pages[0];
  if (described?.Status === "CREATE_COMPLETE") {
    return {
      changeSetId: id.ChangeSetName,
      stackId: described.StackId ?? created.StackId ?? input.StackName,
      changes: pages.flatMap((page) => page.Changes ?? []),
    };
  }
  const reason = described?.StatusReason ?? `status ${described?.Status ?? "unknown"}`;
  await callAws("cloudformation:DeleteChangeSet", () => cloudformation.send(new DeleteChangeSetCommand(id)));
  if (NO_CHANGES.test(reason)) return { noChanges: reason };
  throw new ApigwTokenAuthError(`change set for stack ${input.StackName} failed: ${reason}`, {
    expected: "a template and parameters CloudFormation accepts",
    actual: reason,
  });
}

/**
 * The changes as a table: one row per resource, with whether it is replaced (which for a table or
 * a REST API means new physical resources).
 */
export function formatChanges(changes: readonly Change[]): string[] {
  return formatTable(
    ["Action", "Logical ID", "Type", "Replacement"],
    changes.map(({ ResourceChange: resource = {} }) => [
      resource.Action ?? "?",
      resource.LogicalResourceId ?? "?",
      resource.ResourceType ?? "?",
      resource.Replacement ?? "-",
    ]),
  );
}

/**
 * `values` as the change set's parameters, each checked to be declared by the template: a value that
 * silently went nowhere (a code key) would deploy old code.
 */
export function deployParameters(template: CloudFormationTemplate, values: Record<string, string>) {
  const declared = Object.keys(template.Parameters ?? {});
  const unknown = Object.keys(values).filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new ApigwTokenAuthError(`the template has no parameter ${unknown.join(", ")}`, {
      expected: `parameters among ${declared.join(", ") || "none"}`,
      actual: unknown.join(", "),
    });
  }
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

/**
 * The capabilities the template needs acknowledged: CAPABILITY_IAM when it creates IAM resources,
 * CAPABILITY_NAMED_IAM when one of them has a fixed name, CAPABILITY_AUTO_EXPAND for a Transform.
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
