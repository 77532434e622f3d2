/**
 * Pointing the token CLI (and `make smoke`) at a deployed stack: `--stack NAME` finds the token
 * table through the stack's `TokenTableName` output, and checks that the table is there; the audit
 * table (`TokenAuditTableName`), the API and stage whose authorizer cache a revoke flushes (`ApiId`,
 * `StageName`) and the actor of audit records (STS GetCallerIdentity) come from the same stack.
 *
 * Clients use the SDK's adaptive retry mode (exponential backoff with jitter and client-side rate
 * limiting), so DynamoDB or CloudFormation throttling is retried; what still fails, and missing
 * credentials, are reported with the fix (see lib/aws/aws-errors.ts).
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from "@aws-sdk/client-api-gateway";
import { CloudFormationClient, type Stack } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { commonClientConfig, regionFromEnv } from "../../lib/aws/aws-clients.js";
import { callAws } from "../../lib/aws/aws-errors.js";
import { findStack, requireOutput } from "../../lib/aws/stack-state.js";
import type { TokenTarget } from "../../lib/tokens/token-store.js";

/** The clients a stack-backed token command needs. */
export interface StackClients {
  cloudformation: CloudFormationClient;
  dynamodb: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  apigateway: APIGatewayClient;
  sts: STSClient;
}

/**
 * Clients for the region in AWS_REGION (or the profile's), with adaptive retries.
 */
export function createStackClients(settings: { region: string | undefined }): StackClients {
  const config = commonClientConfig(settings);
  const dynamodb = new DynamoDBClient(config);
  return {
    cloudformation: new CloudFormationClient(config),
    apigateway: new APIGatewayClient(config),
    sts: new STSClient(config),
    dynamodb,
    documentClient: DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    }),
  };
}

/**
 * The token table of stack `stackName`: its `TokenTableName` output, checked to exist.
 */
export async function resolveTokenTable(
  clients: Pick<StackClients, "cloudformation" | "dynamodb">,
  stackName: string,
): Promise<string> {
  return (await resolveTokenStack(clients, stackName)).tableName;
}

/**
 * The stack and its token table, checked to exist (see {@link resolveTokenTable}).
 */
export async function resolveTokenStack(
  clients: Pick<StackClients, "cloudformation" | "dynamodb">,
  stackName: string,
): Promise<{ stack: Stack; tableName: string }> {
  const stack = await findStack(clients.cloudformation, stackName);
  if (stack === undefined || stack.StackStatus === "DELETE_COMPLETE") {
    const region = await clients.cloudformation.config.region();
    throw new ApigwTokenAuthError(`stack ${stackName} not found in ${region}`, {
      expected: "a stack deployed with make deploy (check --stack and AWS_REGION)",
      actual: "no such stack",
    });
  }
  const tableName = requireOutput(stack, "TokenTableName");
  try {
    await callAws("dynamodb:DescribeTable", () =>
      clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName })),
    );
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") {
      throw new ApigwTokenAuthError(`token table ${tableName} of stack ${stackName} does not exist`, {
        expected: "the table the stack's TokenTableName output names",
        actual: "no such table (deleted outside CloudFormation?); run make deploy to recreate it",
        cause: error,
      });
    }
    throw error;
  }
  return { stack, tableName };
}

/**
 * The token CLI's target for `--stack NAME`: the stack's token table, in AWS_REGION (or the
 * profile's region), with the standard credential chain.
 */
export async function resolveStackTokenTarget(
  stackName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TokenTarget> {
  const clients = createStackClients({ region: regionFromEnv(env) });
  const close = () => {
    clients.cloudformation.destroy();
    clients.dynamodb.destroy();
    clients.apigateway.destroy();
    clients.sts.destroy();
  };
  try {
    const { stack, tableName } = await resolveTokenStack(clients, stackName);
    const resolvedRegion = await clients.dynamodb.config.region();
    const auditTableName = requireOutput(stack, "TokenAuditTableName");
    const restApiId = requireOutput(stack, "ApiId");
    const stageName = requireOutput(stack, "StageName");
    return {
      client: clients.documentClient,
      tableName,
      auditTableName,
      supportsTransactions: true,
      description: `stack ${stackName} (table ${tableName} in ${resolvedRegion})`,
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
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
