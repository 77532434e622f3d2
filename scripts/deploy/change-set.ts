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
  DeleteChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  paginateDescribeChangeSet,
  waitUntilChangeSetCreateComplete,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";
import { formatTable, type WaitTiming } from "./stack-events.js";

export interface ChangeSetRequest {
  stackName: string;
  changeSetName: string;
  type: "CREATE" | "UPDATE";
  template: { TemplateBody: string } | { TemplateURL: string };
  parameters: Record<string, string>;
  capabilities: Capability[];
  /** A CloudFormation service role (CFN_ROLE_ARN) the stack operations run as, if any. */
  roleArn?: string | undefined;
}

export type ChangeSetOutcome =
  | { kind: "ready"; changeSetId: string; stackId: string; changes: Change[] }
  | { kind: "no-changes"; reason: string };

/** The status reasons CloudFormation gives an empty change set. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** IAM properties that give a resource a fixed name, which needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES = ["RoleName", "ManagedPolicyName", "UserName", "GroupName", "InstanceProfileName"];

/**
 * Creates the change set and waits for it. An empty change set ("no changes") is deleted and
 * reported as such; any other failure is deleted too and thrown
 * carrying CloudFormation's reason.
 */
export async function createChangeSet(
  cloudformation: CloudFormationClient,
  request: ChangeSetRequest,
  timing: WaitTiming,
): Promise<ChangeSetOutcome> {
  const { stackName } = request;
  const created = await callAws("cloudformation:CreateChangeSet", () =>
    cloudformation.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: request.changeSetName,
        ChangeSetType: request.type,
        ...request.template,
        Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: request.capabilities,
        ...(request.roleArn === undefined ? {} : { RoleARN: request.roleArn }),
        Description: `make deploy ${new Date().toISOString()}`,
      }),
    ),
  );
  const changeSetId = created.Id ?? request.changeSetName;
  const id = { StackName: stackName, ChangeSetName: changeSetId };
  // DescribeChangeSet returns the changes in pages; a large template has more than one.
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
        throw new ApigwTokenAuthError(`change set ${request.changeSetName} was not ready in time`, {
          expected: `CREATE_COMPLETE within ${timing.maxWaitTime} s`,
          actual: "still being created",
        });
      }
      // FAILED: the status and its reason are read below.
    }
    pages = await describe();
  }
  const described = pages[0];
  if (described?.Status !== "CREATE_COMPLETE") {
    const reason = described?.StatusReason ?? `status ${described?.Status ?? "unknown"}`;
    // Deleted, empty or failed, so the stack's change set list stays clean.
    await callAws("cloudformation:DeleteChangeSet", () =>
      cloudformation.send(new DeleteChangeSetCommand(id)),
    );
    if (NO_CHANGES.test(reason)) return { kind: "no-changes", reason };
    throw new ApigwTokenAuthError(`change set for stack ${stackName} failed: ${reason}`, {
      expected: "a template and parameters CloudFormation accepts",
      actual: reason,
    });
  }
  return {
    kind: "ready",
    changeSetId,
    stackId: described.StackId ?? created.StackId ?? stackName,
    changes: pages.flatMap((page) => page.Changes ?? []),
  };
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
 * The parameter values to pass: `values` for the template's declared parameters. A value for a
 * parameter the template lacks is an error, because the deploy relies on it taking effect (a code
 * key that silently went nowhere would deploy old code).
 */
export function deployParameters(
  template: CloudFormationTemplate,
  values: Record<string, string>,
): Record<string, string> {
  const declared = Object.keys(template.Parameters ?? {});
  const unknown = Object.keys(values).filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new ApigwTokenAuthError(`the template has no parameter ${unknown.join(", ")}`, {
      expected: `parameters among ${declared.join(", ") || "none"}`,
      actual: unknown.join(", "),
    });
  }
  return { ...values };
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
