/**
 * Redeploying the API stage after a stack update that changed the API.
 *
 * An `AWS::ApiGateway::Deployment` is a snapshot of the API taken when CloudFormation creates it;
 * an update that changes a method, an authorizer or a model does not take a new one, so the stage
 * would go on serving the old API. `make deploy` therefore takes a new deployment of the stage after
 * such an update (what `aws apigateway create-deployment` does). The Lambda code needs no redeploy:
 * integrations name the function, not its code.
 */
import { type APIGatewayClient, CreateDeploymentCommand } from "@aws-sdk/client-api-gateway";
import type { Change } from "@aws-sdk/client-cloudformation";
import { callAws } from "../../lib/aws/aws-errors.js";

/** API Gateway resource types whose changes a new deployment does not need to pick up. */
const NOT_IN_SNAPSHOT = new Set(["AWS::ApiGateway::Stage", "AWS::ApiGateway::Account"]);

/**
 * Whether the change set changes what an API deployment snapshots.
 *
 * @example
 * ```ts
 * needsRedeployment([{ ResourceChange: { Action: "Modify", ResourceType: "AWS::ApiGateway::Method" } }]); // true
 * needsRedeployment([{ ResourceChange: { Action: "Modify", ResourceType: "AWS::Lambda::Function" } }]);   // false
 * ```
 */
export function needsRedeployment(changes: readonly Change[]): boolean {
  return changes.some((change) => {
    const type = change.ResourceChange?.ResourceType ?? "";
    return type.startsWith("AWS::ApiGateway::") && !NOT_IN_SNAPSHOT.has(type);
  });
}

/**
 * Takes a new deployment of the API onto the stage; returns its id.
 *
 * @example
 * ```ts
 * await redeployStage(apigateway, { restApiId: "abc123", stageName: "v1" }, console.log);
 * ```
 */
export async function redeployStage(
  apigateway: APIGatewayClient,
  target: { restApiId: string; stageName: string },
  log: (line: string) => void,
): Promise<string | undefined> {
  const deployment = await callAws("apigateway:POST (CreateDeployment)", () =>
    apigateway.send(
      new CreateDeploymentCommand({
        restApiId: target.restApiId,
        stageName: target.stageName,
        description: `make deploy ${new Date().toISOString()}: the API changed`,
      }),
    ),
  );
  log(`The API changed: deployed it to stage ${target.stageName} (deployment ${deployment.id ?? "?"}).`);
  return deployment.id;
}
