// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub strings contain ${...} literally.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { loadTemplate, parseTemplate } from "../../../lib/cloudformation/load-template.js";

describe("lib/cloudformation/load-template", () => {
  it("reads the short-form intrinsics as their long forms, as CloudFormation does", () => {
    const template = parseTemplate(
      [
        "Resources:",
        "  Fn:",
        "    Type: AWS::Lambda::Function",
        "    Properties:",
        "      Role: !GetAtt FnRole.Arn",
        "      Name: !Sub '${AWS::StackName}-fn'",
        "      Table: !Ref Table",
        "      Parts: !Join ['-', [!Ref A, !Select [0, !GetAZs '']]]",
        "      Map: !Sub",
        "        - '${X}'",
        "        - { X: !If [IsProd, a, b] }",
        "      Plain: !GetAtt Single",
      ].join("\n"),
    );
    expect(template.Resources.Fn?.Properties).to.deep.equal({
      Role: { "Fn::GetAtt": ["FnRole", "Arn"] },
      Name: { "Fn::Sub": "${AWS::StackName}-fn" },
      Table: { Ref: "Table" },
      Parts: { "Fn::Join": ["-", [{ Ref: "A" }, { "Fn::Select": [0, { "Fn::GetAZs": "" }] }]] },
      Map: { "Fn::Sub": ["${X}", { X: { "Fn::If": ["IsProd", "a", "b"] } }] },
      Plain: { "Fn::GetAtt": ["Single"] },
    });
  });

  it("refuses text that is not YAML, naming the source", () => {
    expect(() => parseTemplate("Resources: [", "broken.yaml")).to.throw(
      ApigwTokenAuthError,
      "broken.yaml: not valid YAML",
    );
  });

  it("refuses duplicate keys, which CloudFormation would silently resolve one way", () => {
    expect(() => parseTemplate("Resources:\n  A: {}\n  A: {}\n")).to.throw(
      ApigwTokenAuthError,
      "not valid YAML",
    );
  });

  for (const [what, text, actual] of [
    ["an empty document", "", "an empty document"],
    ["a list", "- a\n", "object"],
    ["a template without Resources", "Parameters: {}\n", "object"],
  ] as const) {
    it(`refuses ${what} as not a CloudFormation template`, () => {
      expect(() => parseTemplate(text))
        .to.throw(ApigwTokenAuthError, "template: not a CloudFormation template")
        .with.property("actual", actual);
    });
  }

  it("loads a file, and names a file it cannot read", () => {
    const dir = mkdtempSync(join(tmpdir(), "load-template-"));
    try {
      const path = join(dir, "t.yaml");
      writeFileSync(path, "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n");
      expect(loadTemplate(path).Resources.T?.Type).to.equal("AWS::DynamoDB::Table");
      expect(() => loadTemplate(join(dir, "missing.yaml"))).to.throw(
        ApigwTokenAuthError,
        `cannot read template ${join(dir, "missing.yaml")}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
