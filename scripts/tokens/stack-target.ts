/**
 * Pointing the token CLI (and `make smoke`) at a deployed stack: `--stack NAME` finds the token
 * table through the stack's `TokenTableName` output, and checks that the table is there; the audit
 * table (`TokenAuditTableName`), the API and stage whose authorizer cache a revoke flushes (`ApiId`,
 * `StageName`) and the actor of audit records (STS GetCallerIdentity) come from the same stack.
 * The clients are lib/aws's: adaptive retries, and failures reported with the fix.
 */
import { FlushStageAuthorizersCacheCommand } from "@aws-sdk/client-api-gateway";
import type { Stack } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import {
  type AwsClients,
  createAwsClients,
  destroyAwsClients,
  regionFromEnv,
} from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { requireOutput, requireStack } from "../../lib/aws/stack-state.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";

/**
 * The token CLI's target for `--stack NAME`: the stack's token table, in AWS_REGION (or the
 * profile's region), with the standard credential chain.
 */
export async function resolveStackTokenTarget(
  stackName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TokenTarget> {
  const clients = createAwsClients({ region: regionFromEnv(env) });
  try {
    return await stackTokenTarget(clients, await requireStack(clients.cloudformation, stackName, "--stack"));
  } catch (error) {
    destroyAwsClients(clients);
    throw error;
  }
}

/** The token target of `stack`, found already; its `close` destroys `clients`. */
export async function stackTokenTarget(clients: AwsClients, stack: Stack): Promise<TokenTarget> {
  const { StackName: stackName } = stack;
  const tableName = requireOutput(stack, "TokenTableName");
  try {
    await callAws("dynamodb:DescribeTable", () =>
      clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName })),
    );
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
    throw new ApigwTokenAuthError(`token table ${tableName} of stack ${stackName} does not exist`, {
      expected: "the table the stack's TokenTableName output names",
      actual: "no such table (deleted outside CloudFormation?); run make deploy to recreate it",
      cause: error,
    });
  }
  const auditTableName = requireOutput(stack, "TokenAuditTableName");
  const restApiId = requireOutput(stack, "ApiId");
  const stageName = requireOutput(stack, "StageName");
  return {
    client: DynamoDBDocumentClient.from(clients.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName,
    auditTableName,
    supportsTransactions: true,
    description: `stack ${stackName} (table ${tableName} in ${await clients.dynamodb.config.region()})`,
    actor: async () => {
      const identity = await callAws("sts:GetCallerIdentity", () =>
        clients.sts.send(new GetCallerIdentityCommand({})),
      );
      return identity.Arn ?? `account:${identity.Account}`;
    },
    flushAuthorizerCache: async () => {
      try {
        await callAws("apigateway:FlushStageAuthorizersCache", () =>
          clients.apigateway.send(new FlushStageAuthorizersCacheCommand({ restApiId, stageName })),
        );
      } catch (cause) {
        if (cause instanceof ApigwTokenAuthError) throw cause;
        throw new ApigwTokenAuthError(
          `apigateway:FlushStageAuthorizersCache on API ${restApiId} stage ${stageName} failed: ${(cause as Error).message.split("\n")[0]}`,
          { expected: "202 from API Gateway", actual: (cause as Error).name, cause },
        );
      }
      return `authorizer cache of stage ${stageName} of API ${restApiId} flushed`;
    },
    close: () => destroyAwsClients(clients),
  };
}
