import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { loadTemplate, parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { deployParameters, requiredCapabilities } from "../../../scripts/deploy/change-set.js";

describe("scripts/deploy/change-set", () => {
  it("passes the values of declared parameters and refuses a value the template would drop", () => {
    const template = parseTemplate("Parameters:\n  StageName: { Type: String }\nResources: {}\n");
    expect(deployParameters(template, { StageName: "v1" })).to.deep.equal([
      { ParameterKey: "StageName", ParameterValue: "v1" },
    ]);
    expect(() => deployParameters(template, { StageName: "v1", UserCodeKey: "k" })).to.throw(
      ApigwTokenAuthError,
      /UserCodeKey/,
    );
  });

  it("asks for CAPABILITY_IAM for IAM resources and CAPABILITY_NAMED_IAM for named ones", () => {
    const none = parseTemplate("Resources:\n  T: { Type: AWS::DynamoDB::Table }\n");
    const unnamed = parseTemplate("Resources:\n  R: { Type: AWS::IAM::Role, Properties: {} }\n");
    const named = parseTemplate("Resources:\n  R: { Type: AWS::IAM::Role, Properties: { RoleName: x } }\n");
    expect(requiredCapabilities(none)).to.deep.equal([]);
    expect(requiredCapabilities(unnamed)).to.deep.equal(["CAPABILITY_IAM"]);
    expect(requiredCapabilities(named)).to.deep.equal(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]);
  });

  it("asks for CAPABILITY_IAM for the project's template, whose roles it creates", () => {
    expect(requiredCapabilities(loadTemplate("cloudformation/api.yaml"))).to.include("CAPABILITY_IAM");
  });
});
