/**
 * `make deploy`, step by step: artifact bucket, uploads, change set (printed), execution followed
 * event by event, then the outputs. This module puts the steps in order and decides what is success
 * ("no changes" is) and what is failure (any final status other than CREATE_COMPLETE /
 * UPDATE_COMPLETE). `scripts/deploy.ts` calls {@link runDeploy}; the end-to-end test calls it
 * against moto.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  type CloudFormationClient,
  ExecuteChangeSetCommand,
  type Stack,
} from "@aws-sdk/client-cloudformation";
import type { S3Client } from "@aws-sdk/client-s3";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { deployActionFor, findStack, stackOutputs } from "../../lib/aws/stack-state.js";
import { codeKeyParameterOverrides, MANIFEST_PATH, readManifest } from "../../lib/build/manifest.js";
import { RENDERED_TEMPLATE_PATH } from "../../lib/build/render-template.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";
import { type ArtifactToUpload, ensureArtifactBucket, templateSource, uploadArtifacts } from "./artifacts.js";
import { createChangeSet, deployParameters, formatChanges, requiredCapabilities } from "./change-set.js";
import { deleteStack, explainRollbackComplete } from "./destroy-stack.js";
import { commandIo, connect, readDeploySettings } from "./settings.js";
import {
  allStackEvents,
  type CommandIo,
  followStack,
  formatFailures,
  formatTable,
  newestEventId,
} from "./stack-events.js";

/**
 * The template `make deploy` deploys: rendered by `make package` from cloudformation/api.yaml, with
 * the Deployment's logical id carrying a hash of the API's definition (lib/build/render-template.ts),
 * so CloudFormation itself deploys every API change to the stage.
 */
export const TEMPLATE_PATH = RENDERED_TEMPLATE_PATH;

export interface DeployRequest {
  stackName: string;
  region: string;
  accountId: string;
  artifactBucket: string;
  /** The template's text, sent as is (CloudFormation reads the short-form tags itself). */
  templateText: string;
  artifacts: readonly ArtifactToUpload[];
  /** StageName, ArtifactBucket, the code keys, and PARAMETERS. */
  parameters: Record<string, string>;
  /** The CloudFormation service role the change set (and a recovery delete) runs as, if any. */
  cfnRoleArn?: string | undefined;
}

export interface DeployIo extends CommandIo {
  /** Names the change set; injected so tests are deterministic. */
  changeSetName: string;
}

export type DeployOutcome = "created" | "updated" | "no-changes";

/**
 * `make deploy` as a function: settings from the environment, identity, the packaged artifacts from
 * `dist/manifest.json`, the template, then {@link deployStack}. Returns the outcome; failures throw.
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
    now?: () => Date;
  } = {},
): Promise<DeployOutcome> {
  const env = options.env ?? process.env;
  const io = commandIo(options, env);
  const settings = readDeploySettings(env);
  const templatePath = options.templatePath ?? TEMPLATE_PATH;
  const manifest = readManifest(options.manifestPath ?? MANIFEST_PATH);
  if (!existsSync(templatePath)) {
    throw new ApigwTokenAuthError(`${templatePath} does not exist: run make package (make deploy does)`, {
      expected: "the template make package renders from cloudformation/api.yaml",
      actual: "no such file",
    });
  }
  const { clients, region, accountId, artifactBucket } = await connect(settings);
  io.log(
    `Deploying stack ${settings.stackName} (stage ${settings.stage}) to account ${accountId} in ${region}` +
      (settings.endpoint === undefined ? "" : ` at ${settings.endpoint}`) +
      (settings.cfnRoleArn === undefined ? "" : ` through ${settings.cfnRoleArn}`),
  );
  const stamp = (options.now ?? (() => new Date()))()
    .toISOString()
    .replace(/[-:]|\.\d+/g, "");
  return deployStack(
    clients,
    {
      stackName: settings.stackName,
      region,
      accountId,
      artifactBucket,
      templateText: readFileSync(templatePath, "utf8"),
      artifacts: Object.values(manifest.functions),
      cfnRoleArn: settings.cfnRoleArn,
      parameters: {
        ...settings.parameters,
        StageName: settings.stage,
        ArtifactBucket: artifactBucket,
        ...codeKeyParameterOverrides(manifest),
      },
    },
    { ...io, changeSetName: `make-deploy-${stamp}` },
  );
}

/**
 * Deploys the stack; returns how it ended or throws (after printing the
 * failed resources and, for a failed first create, how to recover).
 */
export async function deployStack(
  clients: { cloudformation: CloudFormationClient; s3: S3Client },
  request: DeployRequest,
  io: DeployIo,
): Promise<DeployOutcome> {
  const { cloudformation, s3 } = clients;
  const { stackName, artifactBucket: bucket, accountId, region } = request;
  const log = (lines: string[]) => {
    for (const line of lines) io.log(line);
  };
  const printOutputs = async () => {
    const stack = await findStack(cloudformation, stackName);
    if (stack !== undefined) log(["", ...formatDeployedStack(stack)]);
  };
  const template = parseTemplate(request.templateText, "template");
  const parameters = deployParameters(template, request.parameters);

  await ensureArtifactBucket(s3, { bucket, region, accountId }, io.log);
  io.log("Uploading function code:");
  await uploadArtifacts(s3, { bucket, accountId }, request.artifacts, io.log);
  const source = await templateSource(s3, { bucket, accountId, region }, stackName, request.templateText);

  let action = deployActionFor(await findStack(cloudformation, stackName));
  if (action.kind === "rollback-complete") {
    const stackId = action.stack.StackId ?? stackName;
    const history = await allStackEvents(cloudformation, stackId);
    log([...formatFailures(history), "", ...explainRollbackComplete(stackName, history)]);
    if (
      !(await io.confirm(`Delete stack ${stackName} (it holds no working resources) and create it again?`))
    ) {
      throw new ApigwTokenAuthError(`stack ${stackName} is in ROLLBACK_COMPLETE`, {
        expected: "the failed stack deleted before a new create",
        actual: "ROLLBACK_COMPLETE",
      });
    }
    await deleteStack(cloudformation, { stackName, stackId, roleArn: request.cfnRoleArn }, io);
    action = { kind: "create" };
  }

  const type = action.kind === "update" ? "UPDATE" : "CREATE";
  io.log(`Creating change set ${io.changeSetName} (${type}) for stack ${stackName} in ${region}`);
  const changeSet = await createChangeSet(
    cloudformation,
    {
      stackName,
      changeSetName: io.changeSetName,
      type,
      template: source,
      parameters,
      capabilities: requiredCapabilities(template),
      roleArn: request.cfnRoleArn,
    },
    io.timing,
  );
  if (changeSet.kind === "no-changes") {
    io.log(`No changes: stack ${stackName} is up to date (the empty change set was deleted).`);
    await printOutputs();
    return "no-changes";
  }
  log(formatChanges(changeSet.changes));

  const marker = await newestEventId(cloudformation, changeSet.stackId);
  io.log("Executing change set; following stack events:");
  await callAws("cloudformation:ExecuteChangeSet", () =>
    cloudformation.send(
      new ExecuteChangeSetCommand({
        StackName: stackName,
        ChangeSetName: changeSet.changeSetId,
        // Makes the SDK's retry of a timed-out call a no-op instead of a second execution attempt.
        ClientRequestToken: io.changeSetName,
      }),
    ),
  );
  const operation = type === "CREATE" ? "create" : "update";
  const { status, events } = await followStack(
    cloudformation,
    changeSet.stackId,
    operation,
    marker,
    io.log,
    io.timing,
  );
  const expected = `${type}_COMPLETE`;
  if (status !== expected) {
    const failures = formatFailures(events);
    log(["", `Deploy failed: stack ${stackName} is ${status}.`]);
    log(failures.length > 0 ? failures : ["(no resource reported a failure reason)"]);
    if (status === "ROLLBACK_COMPLETE") log(["", ...explainRollbackComplete(stackName, events)]);
    throw new ApigwTokenAuthError(`deploy of stack ${stackName} failed`, { expected, actual: status });
  }
  log(["", `Stack ${stackName} is ${status}.`]);
  await printOutputs();
  return type === "CREATE" ? "created" : "updated";
}

/** What `make deploy` prints at the end: the outputs, then how to get a token and call the API. */
export function formatDeployedStack(stack: Stack): string[] {
  const outputs = stackOutputs(stack);
  if (Object.keys(outputs).length === 0) return [`Stack ${stack.StackName} reports no outputs.`];
  const lines = formatTable(["Output", "Value"], Object.entries(outputs));
  const apiUrl = outputs.ApiUrl;
  if (apiUrl === undefined) return lines;
  const name = stack.StackName ?? "<stack>";
  return [
    ...lines,
    "",
    "Try it (the token is printed once; keep it secret):",
    `  TOKEN=$(npm run --silent token -- issue --stack ${name} --principal "$USER" --scope '*')`,
    `  curl -i -X PUT '${apiUrl}/user' -H "Authorization: $TOKEN" -H 'Content-Type: application/json' -d '{"id":"u1","name":"Ada"}'`,
    `  curl -i '${apiUrl}/user/u1' -H "Authorization: $TOKEN"`,
  ];
}
