import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import {
  codeKeyParameterOverrides,
  type Manifest,
  parseManifest,
  readManifest,
} from "../../../lib/build/manifest.js";

const manifest: Manifest = {
  functions: {
    AuthorizerFunction: {
      entryPoint: "handlers/authorizer/index.ts",
      buildDir: "dist/build/AuthorizerFunction",
      zip: "dist/authorizer-function-0123456789abcdef.zip",
      key: "authorizer-function-0123456789abcdef.zip",
      sha256: "0123456789abcdef".repeat(4),
      bytes: 1234,
      codeKeyParameter: "AuthorizerCodeKey",
    },
    UserFunction: {
      entryPoint: "handlers/user/index.ts",
      buildDir: "dist/build/UserFunction",
      zip: "dist/user-function-fedcba9876543210.zip",
      key: "user-function-fedcba9876543210.zip",
      sha256: "fedcba9876543210".repeat(4),
      bytes: 99,
      codeKeyParameter: "UserCodeKey",
    },
  },
};

describe("lib/build/manifest", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "manifest-test-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe("readManifest", () => {
    it("reads a manifest written by make package", async () => {
      const path = join(dir, "manifest.json");
      await writeFile(path, JSON.stringify(manifest));
      expect(readManifest(path)).to.deep.equal(manifest);
    });

    it("tells to run make package when the file is missing", () => {
      expect(() => readManifest(join(dir, "missing.json")))
        .to.throw(ApigwTokenAuthError, "run `make package` first")
        .with.property("actual", "ENOENT");
    });

    it("refuses a file that is not JSON", async () => {
      const path = join(dir, "broken.json");
      await writeFile(path, "{");
      expect(() => readManifest(path)).to.throw(ApigwTokenAuthError, "is not JSON");
    });
  });

  describe("parseManifest", () => {
    for (const [what, document] of [
      ["null", null],
      ["no functions", {}],
      ["functions as a list", { functions: [] }],
    ] as const) {
      it(`refuses ${what}`, () => {
        expect(() => parseManifest(document)).to.throw(ApigwTokenAuthError, '"functions" must be an object');
      });
    }

    for (const field of ["entryPoint", "buildDir", "zip", "key", "sha256", "codeKeyParameter"]) {
      it(`refuses a function without ${field}`, () => {
        const broken = { functions: { Fn: { ...manifest.functions.UserFunction, [field]: "" } } };
        expect(() => parseManifest(broken, "m.json")).to.throw(
          ApigwTokenAuthError,
          `m.json: functions.Fn.${field} must be a non-empty string`,
        );
      });
    }

    for (const bytes of [0, -1, 1.5, "10"]) {
      it(`refuses bytes ${JSON.stringify(bytes)}`, () => {
        const broken = { functions: { Fn: { ...manifest.functions.UserFunction, bytes } } };
        expect(() => parseManifest(broken)).to.throw(ApigwTokenAuthError, "bytes must be a positive integer");
      });
    }

    it("refuses a null function entry", () => {
      expect(() => parseManifest({ functions: { Fn: null } })).to.throw(ApigwTokenAuthError, "entryPoint");
    });
  });

  describe("codeKeyParameterOverrides", () => {
    it("maps each code-key parameter to its zip's S3 key", () => {
      expect(codeKeyParameterOverrides(manifest)).to.deep.equal({
        AuthorizerCodeKey: "authorizer-function-0123456789abcdef.zip",
        UserCodeKey: "user-function-fedcba9876543210.zip",
      });
    });

    it("is empty for an empty manifest", () => {
      expect(codeKeyParameterOverrides({ functions: {} })).to.deep.equal({});
    });
  });
});
