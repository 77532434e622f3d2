import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { kebabCase, listFunctions } from "../../../lib/build/functions.js";
import { loadTemplate, parseTemplate } from "../../../lib/cloudformation/load-template.js";

function templateWith(functionYaml: string, parameters = "  FnCodeKey:\n    Type: String\n"): string {
  return `Parameters:\n${parameters}Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n${functionYaml}`;
}

const good = (id: string, entry: string, key = "FnCodeKey") => `  ${id}:
    Type: AWS::Lambda::Function
    Metadata:
      BuildEntryPoint: ${entry}
    Properties:
      Code:
        S3Bucket: !Ref ArtifactBucket
        S3Key: !Ref ${key}
`;

describe("lib/build/functions", () => {
  describe("listFunctions", () => {
    it("lists the template's functions sorted by logical id, ignoring other resources", () => {
      const template = parseTemplate(
        templateWith(
          good("ZedFunction", "handlers/z/index.ts") + good("AlphaFunction", "handlers/a/index.ts"),
        ),
      );
      expect(listFunctions(template)).to.deep.equal([
        { logicalId: "AlphaFunction", entryPoint: "handlers/a/index.ts", codeKeyParameter: "FnCodeKey" },
        { logicalId: "ZedFunction", entryPoint: "handlers/z/index.ts", codeKeyParameter: "FnCodeKey" },
      ]);
    });

    it("reads the real template: the authorizer and the user function", () => {
      const functions = listFunctions(loadTemplate("cloudformation/api.yaml"));
      expect(functions).to.deep.include.members([
        {
          logicalId: "AuthorizerFunction",
          entryPoint: "handlers/authorizer/index.ts",
          codeKeyParameter: "AuthorizerCodeKey",
        },
        { logicalId: "UserFunction", entryPoint: "handlers/user/index.ts", codeKeyParameter: "UserCodeKey" },
      ]);
    });

    it("refuses a function without a BuildEntryPoint", () => {
      const yaml = good("Fn", "x").replace("    Metadata:\n      BuildEntryPoint: x\n", "");
      expect(() => listFunctions(parseTemplate(templateWith(yaml))))
        .to.throw(ApigwTokenAuthError, "Fn: Metadata.BuildEntryPoint is missing or invalid")
        .with.property("actual", "undefined");
    });

    for (const [what, entry] of [
      ["a JavaScript entry point", "handlers/a/index.js"],
      ["an entry point outside the repository", "../secrets/index.ts"],
      ["an absolute entry point", "/etc/index.ts"],
    ] as const) {
      it(`refuses ${what}`, () => {
        expect(() => listFunctions(parseTemplate(templateWith(good("Fn", entry)))))
          .to.throw(ApigwTokenAuthError, "Fn: Metadata.BuildEntryPoint is missing or invalid")
          .with.property("actual", JSON.stringify(entry));
      });
    }

    it("refuses a Code.S3Key that is not a Ref", () => {
      const yaml = good("Fn", "handlers/a/index.ts").replace("S3Key: !Ref FnCodeKey", "S3Key: fixed.zip");
      expect(() => listFunctions(parseTemplate(templateWith(yaml))))
        .to.throw(ApigwTokenAuthError, "Fn: Code.S3Key must be a Ref to a template parameter")
        .with.property("actual", '"fixed.zip"');
    });

    it("refuses a Ref to something that is not a parameter", () => {
      const yaml = good("Fn", "handlers/a/index.ts", "Table");
      expect(() => listFunctions(parseTemplate(templateWith(yaml)))).to.throw(
        ApigwTokenAuthError,
        /Code\.S3Key/,
      );
    });

    it("refuses a function without Code", () => {
      const yaml =
        "  Fn:\n    Type: AWS::Lambda::Function\n    Metadata:\n      BuildEntryPoint: handlers/a/index.ts\n";
      expect(() => listFunctions(parseTemplate(templateWith(yaml))))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", "null");
    });
  });

  describe("kebabCase", () => {
    for (const [id, kebab] of [
      ["AuthorizerFunction", "authorizer-function"],
      ["UserFunction", "user-function"],
      ["JwtAuthorizerFunction", "jwt-authorizer-function"],
      ["APIFunction", "api-function"],
      ["Fn2Go", "fn2-go"],
    ]) {
      it(`${id} → ${kebab}`, () => expect(kebabCase(id as string)).to.equal(kebab));
    }
  });
});
