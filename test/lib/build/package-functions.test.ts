import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { codeKeyParameterOverrides, readManifest } from "../../../lib/build/manifest.js";
import { packageFunctions } from "../../../lib/build/package-functions.js";
import { readZip } from "./zip-reader.js";

const TEMPLATE = `Parameters:
  AuthorizerCodeKey:
    Type: String
  UserCodeKey:
    Type: String
Resources:
  AuthorizerFunction:
    Type: AWS::Lambda::Function
    Metadata:
      BuildEntryPoint: handlers/authorizer/index.ts
    Properties:
      Code:
        S3Bucket: !Ref ArtifactBucket
        S3Key: !Ref AuthorizerCodeKey
  UserFunction:
    Type: AWS::Lambda::Function
    Metadata:
      BuildEntryPoint: handlers/user/index.ts
    Properties:
      Code:
        S3Bucket: !Ref ArtifactBucket
        S3Key: !Ref UserCodeKey
`;

describe("lib/build/package-functions", () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "package-test-"));
    await mkdir(join(root, "cloudformation"));
    await writeFile(join(root, "cloudformation", "api.yaml"), TEMPLATE);
    for (const id of ["AuthorizerFunction", "UserFunction"]) {
      await mkdir(join(root, "dist", "build", id), { recursive: true });
      await writeFile(
        join(root, "dist", "build", id, "index.mjs"),
        `export const handler = () => "${id}";\n`,
      );
    }
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("writes one content-hashed zip per function and a manifest that describes it", async () => {
    const manifest = await packageFunctions({ root });
    const fn = manifest.functions.AuthorizerFunction;
    const zip = await readFile(join(root, fn?.zip as string));
    const sha256 = createHash("sha256").update(zip).digest("hex");
    expect(fn).to.deep.equal({
      entryPoint: "handlers/authorizer/index.ts",
      buildDir: "dist/build/AuthorizerFunction",
      zip: `dist/authorizer-function-${sha256.slice(0, 16)}.zip`,
      key: `authorizer-function-${sha256.slice(0, 16)}.zip`,
      sha256,
      bytes: zip.length,
      codeKeyParameter: "AuthorizerCodeKey",
    });
    expect(Object.keys(manifest.functions)).to.deep.equal(["AuthorizerFunction", "UserFunction"]);
    expect(readManifest(join(root, "dist", "manifest.json"))).to.deep.equal(manifest);
  });

  it("zips the bundle directory's files", async () => {
    const manifest = await packageFunctions({ root });
    const entries = readZip(await readFile(join(root, manifest.functions.UserFunction?.zip as string)));
    expect(entries.map((e) => [e.name, e.data.toString()])).to.deep.equal([
      ["index.mjs", 'export const handler = () => "UserFunction";\n'],
    ]);
  });

  it("gives the same keys for the same bundles (deterministic)", async () => {
    const first = codeKeyParameterOverrides(await packageFunctions({ root }));
    const second = codeKeyParameterOverrides(await packageFunctions({ root }));
    expect(second).to.deep.equal(first);
    expect((await readdir(join(root, "dist"))).filter((n) => n.endsWith(".zip"))).to.have.length(2);
  });

  it("changes only the changed function's key, and removes its stale zip", async () => {
    const before = await packageFunctions({ root });
    await writeFile(
      join(root, "dist", "build", "UserFunction", "index.mjs"),
      "export const handler = () => 2;\n",
    );
    const after = await packageFunctions({ root });
    expect(after.functions.AuthorizerFunction?.key).to.equal(before.functions.AuthorizerFunction?.key);
    expect(after.functions.UserFunction?.key).to.not.equal(before.functions.UserFunction?.key);
    const zips = (await readdir(join(root, "dist"))).filter((n) => n.endsWith(".zip")).sort();
    expect(zips).to.deep.equal(
      [after.functions.AuthorizerFunction?.key, after.functions.UserFunction?.key].sort() as string[],
    );
  });

  it("leaves other files in dist alone", async () => {
    await mkdir(join(root, "dist"), { recursive: true });
    await writeFile(join(root, "dist", "user-function-notahash.zip"), "keep");
    await packageFunctions({ root });
    expect(await readdir(join(root, "dist"))).to.include("user-function-notahash.zip");
  });

  it("tells to run make build when a bundle is missing", async () => {
    await rm(join(root, "dist", "build", "UserFunction"), { recursive: true });
    try {
      await packageFunctions({ root });
      expect.fail("should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message).to.equal(
        `UserFunction: no bundle in ${join(root, "dist/build/UserFunction")}: run \`make build\` first`,
      );
      expect(error).to.have.property("actual", "no directory");
    }
  });

  it("refuses an empty bundle directory", async () => {
    await rm(join(root, "dist", "build", "UserFunction", "index.mjs"));
    try {
      await packageFunctions({ root });
      expect.fail("should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(ApigwTokenAuthError).with.property("actual", "an empty directory");
    }
  });
});
