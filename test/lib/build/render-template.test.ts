import { expect } from "chai";
import { apiDefinitionHash, renderDeployTemplate } from "../../../lib/build/render-template.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { apiTemplate } from "../../support/template.js";

const SMALL = `
Parameters:
  StageName: { Type: String, Default: v1 }
Resources:
  Api: { Type: AWS::ApiGateway::RestApi, Properties: { Name: demo } }
  Method:
    Type: AWS::ApiGateway::Method
    Properties: { RestApiId: !Ref Api, HttpMethod: GET, AuthorizationType: NONE }
  Fn: { Type: AWS::Lambda::Function, Properties: { MemorySize: 128 } }
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [Method]
    Properties: { RestApiId: !Ref Api, Description: hand-written }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: !Ref StageName }
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Metadata: { Depends: !GetAtt Deployment.Id, Also: !Sub '\${Deployment}-\${AWS::StackName}' }
    DependsOn: Deployment
Outputs:
  DeploymentId: { Value: !Ref Deployment }
`;

describe("lib/build/render-template", () => {
  const template = parseTemplate(SMALL);
  const hash = apiDefinitionHash(template);

  it("renames the Deployment by the API definition's hash, and every reference follows", () => {
    const rendered = renderDeployTemplate(template);
    const id = `Deployment${hash}`;
    expect(hash).to.match(/^[0-9a-f]{10}$/);
    expect(Object.keys(rendered.Resources)).to.have.members(["Api", "Method", "Fn", id, "Stage", "Alarm"]);
    expect(rendered.Resources[id]?.Properties?.Description).to.equal(`API definition ${hash} (make package)`);
    expect(rendered.Resources[id]?.DependsOn).to.deep.equal(["Method"]);
    expect(rendered.Resources.Stage?.Properties?.DeploymentId).to.deep.equal({ Ref: id });
    expect(rendered.Resources.Alarm?.DependsOn).to.equal(id);
    expect(rendered.Resources.Alarm?.Metadata).to.deep.equal({
      Depends: { "Fn::GetAtt": [id, "Id"] },
      Also: { "Fn::Sub": `\${${id}}-\${AWS::StackName}` },
    });
    expect(rendered.Outputs?.DeploymentId).to.deep.equal({ Value: { Ref: id } });
    expect(JSON.stringify(rendered)).not.to.match(/"Deployment"|\$\{Deployment\}/);
  });

  it("changes the hash with any API change, and not with a change the snapshot does not hold", () => {
    const changed = (from: string, to: string) => apiDefinitionHash(parseTemplate(SMALL.replace(from, to)));
    expect(changed("HttpMethod: GET", "HttpMethod: PUT")).to.not.equal(hash);
    expect(changed("Name: demo", "Name: other")).to.not.equal(hash);
    expect(changed("Default: v1", "Default: v2")).to.not.equal(hash); // parameters the API may read
    expect(changed("MemorySize: 128", "MemorySize: 256")).to.equal(hash); // function code and settings
    expect(changed("Description: hand-written", "Description: other")).to.equal(hash); // the Deployment itself
  });

  it("renders the project's template: one Deployment, the Stage on it, nothing pointing at the old id", () => {
    const rendered = renderDeployTemplate(apiTemplate);
    const deployments = Object.entries(rendered.Resources).filter(
      ([, r]) => r.Type === "AWS::ApiGateway::Deployment",
    );
    expect(deployments.map(([id]) => id)).to.deep.equal([`Deployment${apiDefinitionHash(apiTemplate)}`]);
    expect(rendered.Resources.Stage?.Properties?.DeploymentId).to.deep.equal({ Ref: deployments[0]?.[0] });
    expect(JSON.stringify(rendered)).not.to.include('"Ref":"Deployment"');
    // The hand-written template is the one truth and is left as it is.
    expect(apiTemplate.Resources.Deployment?.Type).to.equal("AWS::ApiGateway::Deployment");
  });
});
