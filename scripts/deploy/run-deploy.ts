/**
 * `make deploy` as a function: settings from the environment, identity, the packaged artifacts from
 * `dist/manifest.json`, the template, then {@link deployStack}. `scripts/deploy.ts` calls it; the
 * end-to-end test calls it against moto.
 */
import { readFileSync } from "node:fs";
import { createAwsClients, resolveIdentity } from "../../lib/aws/aws-clients.js";
import { codeKeyParameterOverrides, MANIFEST_PATH, readManifest } from "../../lib/build/manifest.js";
import { createConfirm } from "./confirm.js";
import { type DeployOutcome, deployStack } from "./deploy-stack.js";
import { type PollOptions, realTimePoll } from "./poll.js";
import { defaultArtifactBucket, readDeploySettings } from "./settings.js";

/** The template `make deploy` deploys. */
export const TEMPLATE_PATH = "cloudformation/api.yaml";

/** What may be changed from the defaults (tests change all of it). */
export interface RunDeployOptions {
  env?: NodeJS.ProcessEnv;
  templatePath?: string;
  manifestPath?: string;
  log?: (line: string) => void;
  confirm?: (question: string) => Promise<boolean>;
  poll?: PollOptions;
  now?: () => Date;
}

/**
 * Deploys the stack the environment describes; returns the outcome (failures throw).
 *
 * @example
 * ```ts
 * await runDeploy({ env: { ...process.env, STACK_NAME: "demo" } }); // "created" | "updated" | "no-changes"
 * ```
 */
export async function runDeploy(options: RunDeployOptions = {}): Promise<DeployOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const settings = readDeploySettings(env);
  const manifest = readManifest(options.manifestPath ?? MANIFEST_PATH);
  const templateText = readFileSync(options.templatePath ?? TEMPLATE_PATH, "utf8");
  const clients = createAwsClients(settings);
  const { region, accountId } = await resolveIdentity(clients);
  const artifactBucket =
    settings.artifactBucket ?? defaultArtifactBucket(settings.stackName, accountId, region);
  log(
    `Deploying stack ${settings.stackName} (stage ${settings.stage}) to account ${accountId} in ${region}` +
      (settings.endpoint === undefined ? "" : ` at ${settings.endpoint}`),
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
      templateText,
      artifacts: Object.values(manifest.functions),
      parameters: {
        StageName: settings.stage,
        ArtifactBucket: artifactBucket,
        ...codeKeyParameterOverrides(manifest),
      },
    },
    {
      log,
      confirm: options.confirm ?? createConfirm(env),
      poll: options.poll ?? realTimePoll(),
      changeSetName: `make-deploy-${stamp}`,
    },
  );
}
