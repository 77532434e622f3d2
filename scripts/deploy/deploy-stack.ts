/**
 * `make deploy`: artifact bucket, uploads, a change set (printed: a stack never changes blind), its
 * execution event by event, the outputs. Success: "no changes", CREATE_COMPLETE or UPDATE_COMPLETE.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  type Capability,
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  type CreateChangeSetCommandInput,
  DeleteChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
  paginateDescribeChangeSet,
  type Stack,
  waitUntilChangeSetCreateComplete,
} from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack, stackOutputs } from "../../lib/aws/stack-state.js";
import { codeKeyParameterOverrides, MANIFEST_PATH, readManifest } from "../../lib/build/manifest.js";
import { RENDERED_TEMPLATE_PATH } from "../../lib/build/render-template.js";
import { type CloudFormationTemplate, parseTemplate } from "../../lib/cloudformation/load-template.js";
import { ensureArtifactBucket, templateSource, uploadArtifacts } from "./artifacts.js";
import { deleteStack, explainRollbackComplete, listRetainedResources } from "./destroy-stack.js";
import { type CommandIo, commandIo, connect, printLines, readDeploySettings } from "./settings.js";
import { followStack, formatFailures, formatTable, readStackEvents } from "./stack-events.js";

/** The status reasons CloudFormation gives an empty change set. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** IAM properties that give a resource a fixed name, which needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES = ["RoleName", "ManagedPolicyName", "UserName", "GroupName", "InstanceProfileName"];

/**
 * `make deploy` as a function, from the settings, `dist/manifest.json` and the template `make package`
 * renders (its Deployment's logical id hashes the API, so CloudFormation deploys every API change).
 * Throws after printing the failed resources and, for a failed first create, how to recover.
 *
 * @example
 * ```ts
 * await runDeploy({ env: { ...process.env, STACK_NAME: "demo" } }); // "created" | "updated" | "no-changes"
 * ```
 */
export async function runDeploy(
  options: Partial<CommandIo> & {
    env?: NodeJS.ProcessEnv;
    templatePath?: string;
    manifestPath?: string;
  } = {},
): Promise<"created" | "updated" | "no-changes"> {
  const env = options.env ?? process.env;
  const io = commandIo(options, env);
  const settings = readDeploySettings(env);
  const { stackName, cfnRoleArn } = settings;
  const templatePath = options.templatePath ?? RENDERED_TEMPLATE_PATH;
  const manifest = readManifest(options.manifestPath ?? MANIFEST_PATH);
  if (!existsSync(templatePath)) {
    throw new ApigwTokenAuthError(`${templatePath} does not exist: run make package (make deploy does)`, {
      expected: "the template make package renders from cloudformation/api.yaml",
      actual: "no such file",
    });
  }
  const { clients, region, accountId, artifactBucket } = await connect(settings);
  const { cloudformation, s3 } = clients;
  io.log(
    `Deploying stack ${stackName} (stage ${settings.stage}) to account ${accountId} in ${region}` +
      (settings.endpoint === undefined ? "" : ` at ${settings.endpoint}`) +
      (cfnRoleArn === undefined ? "" : ` through ${cfnRoleArn}`),
  );
  const templateText = readFileSync(templatePath, "utf8");
  const template = parseTemplate(templateText, "template");
  const parameters = deployParameters(template, {
    ...settings.parameters,
    StageName: settings.stage,
    ArtifactBucket: artifactBucket,
    ...codeKeyParameterOverrides(manifest),
  });
  // Names the change set, and makes its execution idempotent.
  const changeSetName = `make-deploy-${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}`;
  // Printed after the failures, so that those are shown even if the retained resources cannot be read.
  const printRollbackAdvice = async (stackId: string) =>
    printLines(io.log, [
      "",
      ...explainRollbackComplete(stackName, await listRetainedResources(cloudformation, stackId)),
    ]);
  const printOutputs = async () => {
    const stack = await findStack(cloudformation, stackName);
    if (stack !== undefined) printLines(io.log, ["", ...formatDeployedStack(stack)]);
  };
  const bucket = { bucket: artifactBucket, region, accountId };
  await ensureArtifactBucket(s3, bucket, io.log);
  io.log("Uploading function code:");
  await uploadArtifacts(s3, bucket, Object.values(manifest.functions), io.log);
  const source = await templateSource(s3, bucket, stackName, templateText);

  let stack = await findStack(cloudformation, stackName);
  if (stack?.StackStatus === "ROLLBACK_COMPLETE") {
    const stackId = stack.StackId ?? stackName;
    printLines(io.log, formatFailures(await readStackEvents(cloudformation, stackId)));
    await printRollbackAdvice(stackId);
    const question = `Delete stack ${stackName} (it holds no working resources) and create it again?`;
    if (!(await io.confirm(question))) {
      throw new ApigwTokenAuthError(`stack ${stackName} is in ROLLBACK_COMPLETE`, {
        expected: "the failed stack deleted before a new create",
        actual: "ROLLBACK_COMPLETE",
      });
    }
    await deleteStack(cloudformation, { stackName, stackId, roleArn: cfnRoleArn }, io);
    stack = undefined;
  }
  const type = changeSetTypeFor(stack);
  io.log(`Creating change set ${changeSetName} (${type}) for stack ${stackName} in ${region}`);
  const changeSet = await createChangeSet(
    cloudformation,
    {
      StackName: stackName,
      ChangeSetName: changeSetName,
      ChangeSetType: type,
      ...source,
      Parameters: parameters,
      Capabilities: requiredCapabilities(template),
      RoleARN: cfnRoleArn,
      Description: `make deploy ${new Date().toISOString()}`,
    },
    io.timing,
  );
  if ("noChanges" in changeSet) {
    io.log(`No changes: stack ${stackName} is up to date (the empty change set was deleted).`);
    await printOutputs();
    return "no-changes";
  }
  printLines(io.log, formatChanges(changeSet.changes));

  io.log("Executing change set; following stack events:");
  const execute = () =>
    callAws("cloudformation:ExecuteChangeSet", () =>
      cloudformation.send(
        new ExecuteChangeSetCommand({
          StackName: stackName,
          ChangeSetName: changeSet.changeSetId,
          // Makes the SDK's retry of a timed-out call a no-op instead of a second execution attempt.
          ClientRequestToken: changeSetName,
        }),
      ),
    );
  const operation = type === "CREATE" ? "create" : "update";
  const { status, events } = await followStack(cloudformation, changeSet.stackId, operation, execute, io);
  if (status !== `${type}_COMPLETE`) {
    const failures = formatFailures(events);
    printLines(io.log, [
      "",
      `Deploy failed: stack ${stackName} is ${status}.`,
      ...(failures.length > 0 ? failures : ["(no resource reported a failure reason)"]),
    ]);
    if (status === "ROLLBACK_COMPLETE") await printRollbackAdvice(changeSet.stackId);
    throw new ApigwTokenAuthError(`deploy of stack ${stackName} failed`, {
      expected: `${type}_COMPLETE`,
      actual: status,
    });
  }
  printLines(io.log, ["", `Stack ${stackName} is ${status}.`]);
  await printOutputs();
  return type === "CREATE" ? "created" : "updated";
}

/**
 * CREATE for no stack or the empty shell an unexecuted CREATE change set leaves (REVIEW_IN_PROGRESS),
 * UPDATE for a settled one; throws, with the way out, for a stack that is busy or stuck.
 */
export function changeSetTypeFor(stack: Stack | undefined): "CREATE" | "UPDATE" {
  const status = stack?.StackStatus ?? "none";
  if (stack === undefined || status === "REVIEW_IN_PROGRESS") return "CREATE";
  if (/^(CREATE|UPDATE|UPDATE_ROLLBACK|IMPORT|IMPORT_ROLLBACK)_COMPLETE$/.test(status)) return "UPDATE";
  const name = stack.StackName ?? "the stack";
  const busy = status.endsWith("_IN_PROGRESS");
  const wayOut = busy
    ? `is busy (${status}): wait until it settles, then deploy again`
    : status === "UPDATE_ROLLBACK_FAILED"
      ? `is ${status}: fix the resource that could not roll back, then run ` +
        `\`aws cloudformation continue-update-rollback --stack-name ${name}\` and deploy again`
      : `is ${status} and cannot be updated: delete it with \`make destroy STACK_NAME=${name}\` ` +
        "(the tables are retained) and deploy again";
  throw new ApigwTokenAuthError(`stack ${name} ${wayOut}`, {
    expected: busy ? "a stack that is not being changed" : "a stack in a *_COMPLETE state",
    actual: status,
  });
}

/** What `make deploy` prints at the end: the outputs, then how to get a token and call the API. */
function formatDeployedStack(stack: Stack): string[] {
  const outputs = stackOutputs(stack);
  if (Object.keys(outputs).length === 0) return [`Stack ${stack.StackName} reports no outputs.`];
  const lines = formatTable(["Output", "Value"], Object.entries(outputs));
  const apiUrl = outputs.ApiUrl;
  if (apiUrl === undefined) return lines;
  return [
    ...lines,
    "",
    "Try it (the token is printed once; keep it secret):",
    `  TOKEN=$(npm run --silent token -- issue --stack ${stack.StackName} --principal "$USER" --scope '*')`,
    `  curl -i -X PUT '${apiUrl}/user' -H "Authorization: $TOKEN" -H 'Content-Type: application/json' -d '{"id":"u1","name":"Ada"}'`,
    `  curl -i '${apiUrl}/user/u1' -H "Authorization: $TOKEN"`,
  ];
}

/**
 * Creates the change set and waits for it: its changes (every page), or `noChanges`. An empty or failed
 * one is deleted, so the stack's list stays clean; a failed one is thrown with CloudFormation's reason.
 */
async function createChangeSet(
  cloudformation: CloudFormationClient,
  input: CreateChangeSetCommandInput & { StackName: string; ChangeSetName: string },
  timing: CommandIo["timing"],
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

/** One row per resource, with its replacement (for a table or a REST API: new physical resources). */
function formatChanges(changes: readonly Change[]): string[] {
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

/** `values` as parameters, each one declared: a code key that went nowhere would deploy old code. */
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

/** CAPABILITY_IAM for IAM resources, _NAMED_IAM when one has a name, _AUTO_EXPAND for a Transform. */
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
