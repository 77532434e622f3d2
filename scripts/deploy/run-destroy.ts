/**
 * `make destroy` as a function: settings from the environment, then {@link destroyStack}.
 */
import { createAwsClients, resolveIdentity } from "../../lib/aws/aws-clients.js";
import { createConfirm } from "./confirm.js";
import { type DestroyOutcome, destroyStack } from "./destroy-stack.js";
import { type PollOptions, realTimePoll } from "./poll.js";
import { defaultArtifactBucket, readDeploySettings } from "./settings.js";

/**
 * Deletes the stack the environment names (STACK_NAME, AWS_REGION; CONFIRM=yes skips the question).
 *
 * @example
 * ```ts
 * await runDestroy({ env: { ...process.env, STACK_NAME: "demo", CONFIRM: "yes" } });
 * ```
 */
export async function runDestroy(
  options: {
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    confirm?: (question: string) => Promise<boolean>;
    poll?: PollOptions;
  } = {},
): Promise<DestroyOutcome> {
  const env = options.env ?? process.env;
  const settings = readDeploySettings(env);
  const clients = createAwsClients(settings);
  const { region, accountId } = await resolveIdentity(clients);
  return destroyStack(
    clients.cloudformation,
    {
      stackName: settings.stackName,
      region,
      artifactBucket: settings.artifactBucket ?? defaultArtifactBucket(settings.stackName, accountId, region),
    },
    {
      log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
      confirm: options.confirm ?? createConfirm(env),
      poll: options.poll ?? realTimePoll(),
    },
  );
}
