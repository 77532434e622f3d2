/**
 * `make smoke` as a function: the stack's ApiUrl and token table from its outputs, tokens issued
 * and revoked through the token store, then {@link runSmokeChecks}.
 */

import { setTimeout as delay } from "node:timers/promises";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestPrefix } from "../../handlers/shared/token.js";
import { requireOutput } from "../../lib/aws/stack-outputs.js";
import { findStack } from "../../lib/aws/stack-state.js";
import { issueToken, revokeToken } from "../../lib/tokens/token-store.js";
import { createStackClients, resolveTokenTable } from "../tokens/stack-target.js";
import { readDeploySettings } from "./settings.js";
import { runSmokeChecks } from "./smoke-checks.js";

/** The principal the smoke test's tokens speak for (visible in `token list` and the user items). */
export const SMOKE_PRINCIPAL = "make-smoke";

/**
 * Runs the smoke test against the stack the environment names; returns the number of failed checks.
 *
 * @example
 * ```ts
 * process.exitCode = (await runSmoke()) === 0 ? 0 : 1;
 * ```
 */
export async function runSmoke(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; fetch?: typeof fetch } = {},
): Promise<number> {
  const settings = readDeploySettings(options.env ?? process.env);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clients = createStackClients(settings);
  const stack = await findStack(clients.cloudformation, settings.stackName);
  if (stack === undefined) {
    throw new ApigwTokenAuthError(`stack ${settings.stackName} not found`, {
      expected: "a stack deployed with make deploy (check STACK_NAME and AWS_REGION)",
      actual: "no such stack",
    });
  }
  const apiUrl = requireOutput(stack, "ApiUrl");
  const tableName = await resolveTokenTable(clients, settings.stackName);
  const issued: string[] = [];
  log(`Smoke test of ${apiUrl} (tokens in ${tableName}, principal ${SMOKE_PRINCIPAL})`);
  return runSmokeChecks(
    apiUrl,
    {
      issue: async (scopes) => {
        const { token, record } = await issueToken(clients.documentClient, tableName, {
          principalId: SMOKE_PRINCIPAL,
          scopes,
          // Expires by itself should the revocation below never run (a killed process).
          expiresInSeconds: 3600,
          description: "make smoke",
        });
        issued.push(record.tokenDigest);
        log(`Issued token ${digestPrefix(record.tokenDigest)} with scopes ${scopes.join(", ")}`);
        return token;
      },
      revokeAll: async () => {
        for (const digest of issued.splice(0)) await revokeToken(clients.documentClient, tableName, digest);
      },
    },
    {
      fetch: options.fetch ?? fetch,
      log,
      sleep: (ms) => delay(ms),
      freshTokenRetries: 5,
      userId: `smoke-${Date.now()}`,
    },
  );
}
