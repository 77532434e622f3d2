/**
 * Templates as others write them (templates/real-world.yaml): an explicit ConnectionType INTERNET,
 * a Deployment's StageName next to a Stage resource (two stages, both served), and a GetAtt on a
 * resource the API never uses (an EventBridge rule), which resolves to a well-formed placeholder.
 */
import { expect } from "chai";
import { result, send, startTestGateway, type TestGateway } from "./harness.js";

const echo = (event: Record<string, unknown>) => result({ statusCode: 200, body: JSON.stringify(event) });

async function refusal(parameters: Record<string, string>): Promise<string> {
  try {
    const api = await startTestGateway("real-world", { ItemsFunction: echo }, parameters);
    await api.stop();
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail("expected the template to be refused");
}

describe("local gateway: real-world templates", () => {
  let api: TestGateway;
  before(async () => {
    api = await startTestGateway("real-world", { ItemsFunction: echo });
  });
  after(() => api.stop());

  it("serves the Stage resource's stage and the one the Deployment's StageName creates", async () => {
    expect(api.gateway.stageNames).to.deep.equal(["v1", "prod"]);
    expect(api.logs).to.include(
      "serving 2 stages of Api: v1 (created by Stage (AWS::ApiGateway::Stage)), prod (created by Deployment (AWS::ApiGateway::Deployment StageName))",
    );
    for (const [stage, createdBy] of [
      ["v1", "stage"],
      ["prod", "deployment"],
    ]) {
      const res = await send(`${api.origin}/${stage}/items`);
      expect(res.status, stage).to.equal(200);
      const event = res.json() as {
        stageVariables: Record<string, string>;
        requestContext: { stage: string };
      };
      expect(event.requestContext.stage).to.equal(stage);
      expect(event.stageVariables).to.deep.equal({ createdBy });
    }
    expect((await send(`${api.origin}/beta/items`)).status).to.equal(403);
  });

  it("accepts ConnectionType INTERNET, the default", async () => {
    const method = api.stack.resources.GetItems?.properties.Integration as Record<string, unknown>;
    expect(method.ConnectionType).to.equal("INTERNET");
  });

  it("resolves GetAtt of a resource outside the API to a well-formed placeholder ARN", () => {
    const environment = api.stack.resources.ItemsFunction?.properties.Environment;
    const variables = (environment as { Variables: Record<string, string> }).Variables;
    expect(variables.RULE_ARN).to.match(
      /^arn:aws:events:us-east-1:000000000000:rule\/local-NightlyRule-[A-Z0-9]{12}$/,
    );
    expect(api.stack.resources.NightlyRulePermission?.properties.SourceArn).to.equal(variables.RULE_ARN);
  });

  it("refuses ConnectionType VPC_LINK precisely", async () => {
    expect(await refusal({ ConnectionType: "VPC_LINK" })).to.equal(
      "cannot emulate GetItems: Integration.ConnectionType (expected INTERNET (the default; VPC_LINK integrations reach a private network the local run does not have), got VPC_LINK)",
    );
  });

  it("refuses an integration that needs the real value of a resource it does not model (an alias)", async () => {
    expect(await refusal({ InvokeTarget: "alias" })).to.match(
      /^cannot emulate GetItems: Integration\.Uri \(expected the Arn of one of the template's AWS::Lambda::Function resources .*, got local-ItemsAlias-[A-Z0-9]{12}\)$/,
    );
  });

  it("refuses a stage created twice, as AWS does", async () => {
    expect(await refusal({ DeploymentStage: "v1" })).to.equal(
      "cannot emulate Api: stage v1 (expected each stage created once (AWS fails the second with: stage already exists), got created by Stage (AWS::ApiGateway::Stage) and by Deployment (AWS::ApiGateway::Deployment StageName))",
    );
  });
});
