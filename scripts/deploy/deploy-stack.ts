/**
 * `make deploy`, step by step: artifact bucket, uploads, change set (printed), execution followed
 * event by event, then the outputs. Each step is its own module; this one puts them in order and
 * decides what is success ("no changes" is) and what is failure (any final status other than
 * CREATE_COMPLETE / UPDATE_COMPLETE).
 */
import type { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import type { CloudFormationClient, Stack } from "@aws-sdk/client-cloudformation";
import { ExecuteChangeSetCommand } from "@aws-sdk/client-cloudformation";
import type { S3Client } from "@aws-sdk/client-s3";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { stackOutputs } from "../../lib/aws/stack-outputs.js";
import { deployActionFor, findStack } from "../../lib/aws/stack-state.js";
import { parseTemplate } from "../../lib/cloudformation/load-template.js";
import { ensureArtifactBucket } from "./artifact-bucket.js";
import { createChangeSet, formatChanges } from "./change-set.js";
import { deleteStackAndWait } from "./delete-stack.js";
import { formatDeployedStack } from "./format-table.js";
import type { PollOptions } from "./poll.js";
import { needsRedeployment, redeployStage } from "./redeploy-stage.js";
import { explainRollbackComplete } from "./rollback-recovery.js";
import { allStackEvents, followStack, formatFailures, newestEventId } from "./stack-events.js";
import { deployParameters, requiredCapabilities } from "./template-inputs.js";
import { type ArtifactToUpload, templateSource, uploadArtifacts } from "./upload-artifacts.js";

/** The deploy did not reach CREATE_COMPLETE / UPDATE_COMPLETE; what failed has been printed. */
export class DeployFailedError extends ApigwTokenAuthError {}

/** Everything a deploy needs to know. */
export interface DeployRequest {
  stackName: string;
  region: string;
  accountId: string;
  artifactBucket: string;
  /** The template's text, sent as is (CloudFormation reads the short-form tags itself). */
  templateText: string;
  /** The packaged zips (dist/manifest.json). */
  artifacts: readonly ArtifactToUpload[];
  /** Parameter values: StageName, ArtifactBucket, the code keys. */
  parameters: Record<string, string>;
}

/** How the deploy talks to the operator and waits. */
export interface DeployIo {
  log: (line: string) => void;
  /** Asks a yes/no question; answers false when nobody can answer (no terminal). */
  confirm: (question: string) => Promise<boolean>;
  poll: PollOptions;
  /** Names the change set; injected so tests are deterministic. */
  changeSetName: string;
}

/** How a deploy ended when it did not fail. */
export type DeployOutcome = "created" | "updated" | "no-changes";

/**
 * Deploys the stack; returns how it ended or throws {@link DeployFailedError} (after printing the
 * failed resources and, for a failed first create, how to recover).
 *
 * @example
 * ```ts
 * const outcome = await deployStack({ cloudformation, s3 }, request, { log: console.log, confirm, poll: realTimePoll(), changeSetName });
 * ```
 */
export async function deployStack(
  clients: { cloudformation: CloudFormationClient; s3: S3Client; apigateway: APIGatewayClient },
  request: DeployRequest,
  io: DeployIo,
): Promise<DeployOutcome> {
  const { cloudformation, s3, apigateway } = clients;
  const { stackName, artifactBucket: bucket, accountId, region } = request;
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
    for (const line of [...formatFailures(history), "", ...explainRollbackComplete(stackName, history)]) {
      io.log(line);
    }
    if (
      !(await io.confirm(`Delete stack ${stackName} (it holds no working resources) and create it again?`))
    ) {
      throw new DeployFailedError(`stack ${stackName} is in ROLLBACK_COMPLETE`, {
        expected: "the failed stack deleted before a new create",
        actual: "ROLLBACK_COMPLETE",
      });
    }
    const deleted = await deleteStackAndWait(cloudformation, stackId, io.log, io.poll);
    if (deleted.status !== "DELETE_COMPLETE") {
      throw new DeployFailedError(`could not delete stack ${stackName}`, {
        expected: "DELETE_COMPLETE",
        actual: deleted.status,
      });
    }
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
    },
    io.poll,
  );
  if (changeSet.kind === "no-changes") {
    io.log(`No changes: stack ${stackName} is up to date (the empty change set was deleted).`);
    await printOutputs(cloudformation, stackName, io.log);
    return "no-changes";
  }
  for (const line of formatChanges(changeSet.changes)) io.log(line);

  const marker = await newestEventId(cloudformation, changeSet.stackId);
  io.log(`Executing change set; following stack events:`);
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
  const { status, events } = await followStack(cloudformation, changeSet.stackId, marker, io.log, io.poll);
  const expected = type === "CREATE" ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
  if (status !== expected) {
    const failures = formatFailures(events);
    io.log("");
    io.log(`Deploy failed: stack ${stackName} is ${status}.`);
    for (const line of failures.length > 0 ? failures : ["(no resource reported a failure reason)"])
      io.log(line);
    if (status === "ROLLBACK_COMPLETE") {
      io.log("");
      for (const line of explainRollbackComplete(stackName, events)) io.log(line);
    }
    throw new DeployFailedError(`deploy of stack ${stackName} failed`, { expected, actual: status });
  }
  io.log("");
  io.log(`Stack ${stackName} is ${status}.`);
  const stack = await printOutputs(cloudformation, stackName, io.log);
  if (type === "UPDATE" && needsRedeployment(changeSet.changes)) {
    const restApiId = stack === undefined ? undefined : stackOutputs(stack).ApiId;
    const stageName = parameters.StageName;
    if (restApiId === undefined || stageName === undefined) {
      io.log("The API changed, but the stack has no ApiId output or StageName: redeploy the stage yourself.");
    } else {
      await redeployStage(apigateway, { restApiId, stageName }, io.log);
    }
  }
  return type === "CREATE" ? "created" : "updated";
}

async function printOutputs(
  cloudformation: CloudFormationClient,
  stackName: string,
  log: (line: string) => void,
): Promise<Stack | undefined> {
  const stack = await findStack(cloudformation, stackName);
  if (stack === undefined) return undefined;
  log("");
  for (const line of formatDeployedStack(stack)) log(line);
  return stack;
}
