import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { BUILD_DIR, BUNDLE_FILE, buildDirOf, bundleFunction } from "../../../lib/build/bundle.js";
import { TEMPLATE_PATH } from "../../../lib/build/functions.js";
import { apiRoutes } from "../../../lib/cloudformation/api-routes.js";
import { loadTemplate } from "../../../lib/cloudformation/load-template.js";

describe("lib/build/bundle", () => {
  let out: string;
  const savedEnv = { ...process.env };

  before(async () => {
    out = await mkdtemp(join(tmpdir(), "bundle-test-"));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  it("puts bundles in dist/build/<LogicalId>", () => {
    expect(BUILD_DIR).to.equal("dist/build");
    expect(buildDirOf("UserFunction")).to.equal("dist/build/UserFunction");
    expect(buildDirOf("UserFunction", "/tmp/x")).to.equal("/tmp/x/UserFunction");
  });

  it("bundles an entry point into one minified ESM file that can require() Node built-ins", async () => {
    const root = await mkdtemp(join(tmpdir(), "bundle-src-"));
    try {
      await mkdir(join(root, "handlers", "demo"), { recursive: true });
      // A CommonJS dependency that calls require() for a built-in, as parts of the SDK do.
      await writeFile(
        join(root, "handlers", "demo", "legacy.cjs"),
        'module.exports = require("node:os").EOL;\n',
      );
      await writeFile(
        join(root, "handlers", "demo", "index.ts"),
        'import eol from "./legacy.cjs";\nexport const handler = async (): Promise<string> => "ok" + eol.length;\n',
      );
      const fn = {
        logicalId: "DemoFunction",
        entryPoint: "handlers/demo/index.ts",
        codeKeyParameter: "DemoCodeKey",
      };
      // A stale file from an earlier build must not survive into the zip.
      await mkdir(join(out, "DemoFunction"), { recursive: true });
      await writeFile(join(out, "DemoFunction", "stale.js"), "");
      const dir = await bundleFunction(fn, { root, buildDir: out, templatePath: resolve(TEMPLATE_PATH) });
      expect(dir).to.equal(join(out, "DemoFunction"));
      const code = await readFile(join(dir, BUNDLE_FILE), "utf8");
      expect(code.startsWith('import { createRequire as __createRequire } from "node:module";')).to.equal(
        true,
      );
      const { handler } = await import(pathToFileURL(join(dir, BUNDLE_FILE)).href);
      expect(await handler()).to.equal("ok1");
      const staleSurvived = await readFile(join(dir, "stale.js")).then(
        () => true,
        () => false,
      );
      expect(staleSurvived).to.equal(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }).timeout(20000);

  it("bundles the real authorizer, SDK included: it refuses a malformed token and never Allows when DynamoDB is unreachable", async () => {
    const fn = {
      logicalId: "AuthorizerFunction",
      entryPoint: "handlers/authorizer/index.ts",
      codeKeyParameter: "AuthorizerCodeKey",
    };
    const dir = await bundleFunction(fn, { buildDir: out });
    const code = await readFile(join(dir, BUNDLE_FILE), "utf8");
    expect(code).to.not.match(/from\s*"@aws-sdk\//);
    // The template's routes are built in (one truth): {id} scopes are held to one segment against them.
    for (const route of apiRoutes(loadTemplate(TEMPLATE_PATH)))
      expect(code).to.contain(`${route.verb} /${route.path}`);
    Object.assign(process.env, {
      TOKEN_TABLE_NAME: "bundle-test-auth-token",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_MAX_ATTEMPTS: "1",
      // Nothing listens on port 9 of the loopback interface: every call fails with a network error.
      AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
      LOG_LEVEL: "ERROR",
    });
    const { handler } = await import(pathToFileURL(join(dir, BUNDLE_FILE)).href);
    const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user/1";
    const logged: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((line: string) => logged.push(String(line)) > 0) as typeof process.stdout.write;
    let malformed: unknown;
    let unreachable: unknown;
    try {
      malformed = await handler({ type: "TOKEN", authorizationToken: "no!", methodArn }).catch(
        (e: Error) => e,
      );
      unreachable = await handler({ type: "TOKEN", authorizationToken: "abc123", methodArn }).catch(
        (e: Error) => e,
      );
    } finally {
      process.stdout.write = write;
    }
    expect(malformed).to.have.property("message", "Unauthorized");
    // keepNames: the error keeps its class name through minification (Lambda's errorType).
    expect(unreachable).to.have.property("name", "ApigwTokenAuthError");
    expect(unreachable).to.have.property("message", "token table unavailable");
    expect(logged.join("")).to.include("token table unavailable").and.not.include("abc123");
  }).timeout(30000);
});
