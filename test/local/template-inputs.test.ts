import { expect } from "chai";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { Manifest } from "../../lib/build/manifest.js";
import type { CloudFormationTemplate } from "../../lib/cloudformation/load-template.js";
import {
  LOCAL_ARTIFACT_BUCKET,
  loadManifestIfNeeded,
  localParameterDefaults,
} from "../../local/template-inputs.js";

const s3Function = {
  Type: "AWS::Lambda::Function",
  Properties: { Code: { S3Bucket: { Ref: "ArtifactBucket" }, S3Key: { Ref: "UserCodeKey" } } },
};

const template = (parameters: CloudFormationTemplate["Parameters"]): CloudFormationTemplate =>
  ({ Parameters: parameters, Resources: { UserFunction: s3Function } }) as unknown as CloudFormationTemplate;

const manifest: Manifest = {
  functions: {
    UserFunction: {
      entryPoint: "handlers/user.ts",
      buildDir: "dist/build/UserFunction",
      zip: "dist/UserFunction.zip",
      key: "UserFunction-abc.zip",
      sha256: "0".repeat(64),
      bytes: 1,
      codeKeyParameter: "UserCodeKey",
    },
    // From another template: its parameter is not declared here, so it is left out.
    OtherFunction: {
      entryPoint: "handlers/other.ts",
      buildDir: "dist/build/OtherFunction",
      zip: "dist/OtherFunction.zip",
      key: "OtherFunction-def.zip",
      sha256: "1".repeat(64),
      bytes: 1,
      codeKeyParameter: "OtherCodeKey",
    },
  },
};

describe("local/template-inputs", () => {
  it("sets each declared code key from the manifest and a bucket for a bucket parameter without default", () => {
    expect(
      localParameterDefaults(
        template({ ArtifactBucket: { Type: "String" }, UserCodeKey: { Type: "String" } }),
        manifest,
      ),
    ).to.deep.equal({ UserCodeKey: "UserFunction-abc.zip", ArtifactBucket: LOCAL_ARTIFACT_BUCKET });
  });

  it("keeps the template's own bucket default", () => {
    expect(
      localParameterDefaults(
        template({ ArtifactBucket: { Type: "String", Default: "mine" }, UserCodeKey: { Type: "String" } }),
        undefined,
      ),
    ).to.deep.equal({});
  });

  it("needs no manifest when no function's code is in S3, and says make package when it is missing", () => {
    const inline = {
      Resources: { Fn: { Type: "AWS::Lambda::Function", Properties: { Code: { ZipFile: "x" } } } },
    };
    expect(
      loadManifestIfNeeded(inline as unknown as CloudFormationTemplate, "/nonexistent/manifest.json"),
    ).to.equal(undefined);
    expect(() => loadManifestIfNeeded(template({}), "/nonexistent/manifest.json")).to.throw(
      ApigwTokenAuthError,
      "the functions are not built (no /nonexistent/manifest.json): run `make package`",
    );
  });
});
