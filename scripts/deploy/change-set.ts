/**
 * Change sets: `make deploy` never changes a stack blind. It creates a change set, waits until
 * CloudFormation has computed it, prints what would change, and only then executes it.
 */
import {
  type Capability,
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { formatTable } from "./format-table.js";
import type { PollOptions } from "./poll.js";

/** CloudFormation could not compute the change set (a template or parameter error, usually). */
export class ChangeSetFailedError extends ApigwTokenAuthError {}

/** What to create a change set for. */
export interface ChangeSetRequest {
  stackName: string;
  changeSetName: string;
  type: "CREATE" | "UPDATE";
  template: { TemplateBody: string } | { TemplateURL: string };
  parameters: Record<string, string>;
  capabilities: Capability[];
}

/** A computed change set: ready to execute, or empty. */
export type ChangeSetOutcome =
  | { kind: "ready"; changeSetId: string; stackId: string; changes: Change[] }
  | { kind: "no-changes"; reason: string };

/** The status reasons CloudFormation gives an empty change set. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/**
 * Creates the change set and waits for it. An empty change set ("no changes") is deleted and
 * reported as such; any other failure is deleted too and thrown as {@link ChangeSetFailedError}
 * carrying CloudFormation's reason.
 *
 * @example
 * ```ts
 * const outcome = await createChangeSet(cloudformation, request, { sleep, intervalMs: 2000, maxPolls: 300 });
 * if (outcome.kind === "ready") printLines(formatChanges(outcome.changes));
 * ```
 */
export async function createChangeSet(
  cloudformation: CloudFormationClient,
  request: ChangeSetRequest,
  poll: PollOptions,
): Promise<ChangeSetOutcome> {
  const created = await callAws("cloudformation:CreateChangeSet", () =>
    cloudformation.send(
      new CreateChangeSetCommand({
        StackName: request.stackName,
        ChangeSetName: request.changeSetName,
        ChangeSetType: request.type,
        ...request.template,
        Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: request.capabilities,
        Description: `make deploy ${new Date().toISOString()}`,
      }),
    ),
  );
  const changeSetId = created.Id ?? request.changeSetName;
  for (let attempt = 0; attempt < poll.maxPolls; attempt++) {
    const described = await describe(cloudformation, request.stackName, changeSetId);
    const status = described.Status ?? "UNKNOWN";
    if (status === "CREATE_COMPLETE") {
      return {
        kind: "ready",
        changeSetId,
        stackId: described.StackId ?? created.StackId ?? request.stackName,
        changes: await allChanges(cloudformation, request.stackName, changeSetId, described),
      };
    }
    if (status === "FAILED") {
      const reason = described.StatusReason ?? "no reason given";
      await deleteChangeSet(cloudformation, request.stackName, changeSetId);
      if (NO_CHANGES.test(reason)) return { kind: "no-changes", reason };
      throw new ChangeSetFailedError(`change set for stack ${request.stackName} failed: ${reason}`, {
        expected: "a template and parameters CloudFormation accepts",
        actual: reason,
      });
    }
    await poll.sleep(poll.intervalMs);
  }
  throw new ChangeSetFailedError(`change set ${request.changeSetName} was not ready in time`, {
    expected: `CREATE_COMPLETE within ${poll.maxPolls} polls`,
    actual: "still being created",
  });
}

/**
 * The changes as a table: one row per resource, with whether it is replaced (which for a table or
 * a REST API means new physical resources).
 *
 * @example
 * ```ts
 * formatChanges([{ Type: "Resource", ResourceChange: { Action: "Add", LogicalResourceId: "Api", ResourceType: "AWS::ApiGateway::RestApi" } }]);
 * // ["Action  Logical ID  Type                      Replacement", "------  ...", "Add     Api         AWS::ApiGateway::RestApi  -"]
 * ```
 */
export function formatChanges(changes: readonly Change[]): string[] {
  const rows = changes.map((change) => {
    const resource = change.ResourceChange ?? {};
    return [
      resource.Action ?? "?",
      resource.LogicalResourceId ?? "?",
      resource.ResourceType ?? "?",
      resource.Replacement ?? "-",
    ];
  });
  return formatTable(["Action", "Logical ID", "Type", "Replacement"], rows);
}

async function describe(
  cloudformation: CloudFormationClient,
  stackName: string,
  changeSetId: string,
  token?: string,
) {
  return callAws("cloudformation:DescribeChangeSet", () =>
    cloudformation.send(
      new DescribeChangeSetCommand({
        StackName: stackName,
        ChangeSetName: changeSetId,
        ...(token === undefined ? {} : { NextToken: token }),
      }),
    ),
  );
}

/** DescribeChangeSet returns changes in pages; a large template has more than one. */
async function allChanges(
  cloudformation: CloudFormationClient,
  stackName: string,
  changeSetId: string,
  first: { Changes?: Change[]; NextToken?: string },
): Promise<Change[]> {
  const changes = [...(first.Changes ?? [])];
  let token = first.NextToken;
  while (token !== undefined) {
    const page = await describe(cloudformation, stackName, changeSetId, token);
    changes.push(...(page.Changes ?? []));
    token = page.NextToken;
  }
  return changes;
}

/**
 * Deletes a change set that will not be executed, so the stack's change set list stays clean.
 *
 * @example
 * ```ts
 * await deleteChangeSet(cloudformation, "demo", changeSetId);
 * ```
 */
export async function deleteChangeSet(
  cloudformation: CloudFormationClient,
  stackName: string,
  changeSetId: string,
): Promise<void> {
  await callAws("cloudformation:DeleteChangeSet", () =>
    cloudformation.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetId })),
  );
}
