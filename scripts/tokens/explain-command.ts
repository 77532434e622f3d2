/**
 * `token explain (<digest-prefix> | --token-stdin) "<VERB> /<path>" (--local | --stack NAME) [--json] [--invoke]`:
 * why a token is allowed, denied (403) or refused (401) on a method — the token's record, the policy
 * our authorizer would build for that method on that API and stage, each statement evaluated with
 * the gateway's evaluator, the decision. `--invoke` (a stack, with `--token-stdin`) also asks API
 * Gateway's TestInvokeAuthorizer what the deployed authorizer returns.
 */
import { parseArgs } from "node:util";
import {
  type APIGatewayClient,
  GetAuthorizersCommand,
  TestInvokeAuthorizerCommand,
} from "@aws-sdk/client-api-gateway";
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { digestPrefix, digestToken, TOKEN_PATTERN } from "../../handlers/shared/token.js";
import { createAwsClients, destroyAwsClients, regionFromEnv } from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { requireStack, stackOutputs } from "../../lib/aws/stack-state.js";
import { readLocalState } from "../../lib/local-state.js";
import {
  type ApiStage,
  explainToken,
  findTokenRecord,
  formatExplanation,
  malformedToken,
  methodArnFor,
  type TokenExplanation,
} from "../../lib/tokens/token-explain.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";
import { TARGET_OPTIONS, type TargetFlags } from "./token-target.js";

/** The parsed command. */
export interface ExplainCommand {
  command: "explain";
  target: TargetFlags;
  json: boolean;
  invoke: boolean;
  /** The token's digest prefix, or `stdin` for `--token-stdin`. */
  token: { digestPrefix: string } | "stdin";
  method: string;
}

export const EXPLAIN_USAGE = `  explain (<digest-prefix> | --token-stdin) "<VERB> /<path>" [--json] [--invoke]
        Why the token gets 2xx, 401 or 403 on that method: its record (state, scopes, expiry), the
        policy our authorizer would return there, each statement evaluated as the gateway does.
        --invoke (with --stack and --token-stdin) also runs API Gateway's TestInvokeAuthorizer.
`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  json: { type: "boolean" },
  invoke: { type: "boolean" },
  "token-stdin": { type: "boolean" },
} as const;

/**
 * Parses the arguments after `explain`; throws ApigwTokenAuthError (exit 2) naming what is wrong.
 */
export function parseExplainCommand(argv: readonly string[]): ExplainCommand {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new ApigwTokenAuthError((error as Error).message.split(". ")[0] as string, {
      expected: "the options listed by token help",
      actual: argv.join(" ").slice(0, 200),
    });
  }
  const { values, positionals } = parsed;
  const fromStdin = values["token-stdin"] === true;
  const wanted = fromStdin ? 1 : 2;
  if (positionals.length !== wanted) {
    throw new ApigwTokenAuthError("explain takes a token (digest prefix or --token-stdin) and a method", {
      expected: 'token explain (<digest-prefix> | --token-stdin) "<VERB> /<path>" (--local | --stack NAME)',
      actual: positionals.length === 0 ? "nothing" : positionals.map((p) => JSON.stringify(p)).join(" "),
    });
  }
  if (values.invoke && (values.stack === undefined || !fromStdin)) {
    throw new ApigwTokenAuthError("--invoke needs --stack NAME and --token-stdin", {
      expected: "the deployed authorizer is called with the token itself, read from stdin",
      actual: values.stack === undefined ? "no --stack" : "a digest prefix",
    });
  }
  const method = positionals[wanted - 1] as string;
  // The method's form is checked now (a usage error), on a placeholder API; the real one comes later.
  methodArnFor({ partition: "aws", region: "r", accountId: "a", apiId: "api", stage: "s" }, method);
  return {
    command: "explain",
    target: {
      ...(values.local === undefined ? {} : { local: values.local }),
      ...(values.stack === undefined ? {} : { stack: values.stack }),
    },
    json: values.json === true,
    invoke: values.invoke === true,
    token: fromStdin ? "stdin" : { digestPrefix: positionals[0] as string },
    method,
  };
}

/** What `explain` needs beyond the token table. */
export interface ExplainIo {
  stdout: (text: string) => void;
  /** The token, for `--token-stdin` (trailing newline removed). */
  readStdin: () => Promise<string>;
  now?: () => number;
  /** The API stage of `--local` / `--stack`; default {@link resolveApiStage}. */
  resolveApi?: (flags: TargetFlags) => Promise<ApiStage & { restApiId: string }>;
  /** For `--invoke`. */
  apiGateway?: () => APIGatewayClient;
}

/**
 * Runs `explain` on an opened token table.
 */
export async function runExplain(command: ExplainCommand, target: TokenTarget, io: ExplainIo): Promise<void> {
  const api = await (io.resolveApi ?? resolveApiStage)(command.target);
  const methodArn = methodArnFor(api, command.method);
  const now = (io.now ?? Date.now)() / 1000;
  let explanation: TokenExplanation;
  let token: string | undefined;
  if (command.token === "stdin") {
    token = (await io.readStdin()).replace(/\r?\n$/, "");
    const prefix = digestPrefix(digestToken(token));
    explanation = TOKEN_PATTERN.test(token)
      ? explainToken(
          await findTokenRecord(target.client, target.tableName, { digest: digestToken(token) }),
          methodArn,
          now,
        )
      : malformedToken(prefix, methodArn);
  } else {
    const lookup = await findTokenRecord(target.client, target.tableName, {
      prefix: command.token.digestPrefix,
    });
    explanation = explainToken(lookup, methodArn, now);
  }
  let invoked: TestInvokeResult | undefined;
  if (command.invoke && token !== undefined && io.apiGateway) {
    const client = io.apiGateway();
    try {
      invoked = await testInvoke(client, api.restApiId, token, command.method);
    } finally {
      client.destroy();
    }
  }
  if (command.json) {
    io.stdout(`${JSON.stringify(invoked ? { ...explanation, testInvoke: invoked } : explanation)}\n`);
    return;
  }
  io.stdout(formatExplanation(explanation, target.description));
  if (invoked) io.stdout(formatTestInvoke(invoked));
}

/** What TestInvokeAuthorizer reported. */
export interface TestInvokeResult {
  authorizerId: string;
  clientStatus: number | undefined;
  latencyMs: number | undefined;
  principalId: string | undefined;
  policy: unknown;
  log: string | undefined;
}

/** Calls the deployed TOKEN authorizer through API Gateway's TestInvokeAuthorizer (the token never printed). */
async function testInvoke(
  client: APIGatewayClient,
  restApiId: string,
  token: string,
  method: string,
): Promise<TestInvokeResult> {
  const authorizers = await callAws("apigateway:GetAuthorizers", () =>
    client.send(new GetAuthorizersCommand({ restApiId })),
  );
  const candidates = (authorizers.items ?? []).filter((a) => a.type === "TOKEN");
  const chosen =
    candidates.find((a) => a.identitySource === "method.request.header.Authorization") ?? candidates[0];
  if (!chosen?.id) {
    throw new ApigwTokenAuthError(`API ${restApiId} has no TOKEN authorizer to test-invoke`, {
      expected: "a TOKEN authorizer",
      actual: (authorizers.items ?? []).map((a) => `${a.name} (${a.type})`).join(", ") || "no authorizers",
    });
  }
  const header = chosen.identitySource?.replace(/^method\.request\.header\./, "") ?? "Authorization";
  const result = await callAws("apigateway:TestInvokeAuthorizer", () =>
    client.send(
      new TestInvokeAuthorizerCommand({
        restApiId,
        authorizerId: chosen.id,
        headers: { [header]: token },
        pathWithQueryString: method.split(" ")[1] ?? "/",
      }),
    ),
  );
  let policy: unknown = result.policy;
  try {
    policy = result.policy ? JSON.parse(result.policy) : undefined;
  } catch {
    // Keep the text as API Gateway returned it.
  }
  // The execution log may echo the identity; only its digest prefix is ever printed.
  const log = result.log?.split(token).join(`<token ${digestPrefix(digestToken(token))}>`);
  return {
    authorizerId: chosen.id,
    clientStatus: result.clientStatus,
    latencyMs: result.latency,
    principalId: result.principalId,
    policy,
    log,
  };
}

function formatTestInvoke(result: TestInvokeResult): string {
  const status = result.clientStatus === 0 ? "0 (authorized)" : String(result.clientStatus);
  const lines = [
    `TestInvokeAuthorizer (authorizer ${result.authorizerId}; API Gateway uses the stage ESTestInvoke-stage):`,
    `  client status: ${status}, latency ${result.latencyMs} ms, principal ${result.principalId ?? "none"}`,
    `  policy: ${JSON.stringify(result.policy)}`,
    ...(result.log
      ? [
          "  log:",
          ...result.log
            .trimEnd()
            .split("\n")
            .map((line) => `    ${line}`),
        ]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The API and stage of the target: `.local/state.json`'s stage ARN, or a stack's ApiId/ApiUrl
 * outputs with the account of its stack id.
 */
export async function resolveApiStage(flags: TargetFlags): Promise<ApiStage & { restApiId: string }> {
  if (flags.stack === undefined) {
    const { stageArn } = readLocalState();
    const match = stageArn && /^arn:([^:]+):execute-api:([^:]+):([^:]+):([^/]+)\/(.+)$/.exec(stageArn);
    if (!match) {
      throw new ApigwTokenAuthError(
        "the running local API does not publish its stage ARN: restart make start",
        {
          expected: "stageArn in .local/state.json",
          actual: stageArn ?? "none",
        },
      );
    }
    const [, partition, region, accountId, apiId, stage] = match as unknown as string[];
    return { partition, region, accountId, apiId, stage, restApiId: apiId } as ApiStage & {
      restApiId: string;
    };
  }
  const clients = createAwsClients({ region: regionFromEnv(process.env) });
  try {
    return await stackApiStage(clients.cloudformation, flags.stack);
  } finally {
    destroyAwsClients(clients);
  }
}

/** The API stage of a deployed stack, from its outputs and stack id. */
export async function stackApiStage(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<ApiStage & { restApiId: string }> {
  const stack = await requireStack(cloudformation, stackName, "--stack");
  const outputs = stackOutputs(stack);
  const [, partition, , region, accountId] = (stack.StackId ?? "").split(":");
  const stage = outputs.ApiUrl?.split("/").filter(Boolean).at(-1);
  if (!outputs.ApiId || !stage || !partition || !region || !accountId) {
    throw new ApigwTokenAuthError(`stack ${stackName} does not say which API it serves`, {
      expected: "outputs ApiId and ApiUrl (https://<id>.execute-api.<region>.amazonaws.com/<stage>)",
      actual: Object.keys(outputs).join(", ") || "no outputs",
    });
  }
  return { partition, region, accountId, apiId: outputs.ApiId, stage, restApiId: outputs.ApiId };
}
