import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import type { ResolvedStack } from "../../../local/cloudformation/resolved-stack.js";
import { createLambdaRuntime, type LambdaRuntime } from "../../../local/lambda/lambda-runtime.js";

/** Inline (Code.ZipFile) functions, so the test needs no build. */
const TEMPLATE = `
Resources:
  Echo:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Timeout: 1
      Environment:
        Variables:
          GREETING: hello
      Code:
        ZipFile: |
          let calls = 0;
          exports.handler = async (event, context) => {
            calls++;
            if (event.action === "throw") { const e = new Error("BadRequest: no"); e.name = "ValidationError"; throw e; }
            if (event.action === "throwString") throw "plain";
            if (event.action === "sleep") await new Promise((resolve) => setTimeout(resolve, event.ms));
            if (event.action === "hang") await new Promise(() => setInterval(() => {}, 1000));
            if (event.action === "exit") process.exit(3);
            if (event.action === "uncaught") { setTimeout(() => { throw new TypeError("late"); }, 0); await new Promise(() => {}); }
            if (event.action === "circular") { const o = {}; o.o = o; return o; }
            if (event.action === "env") return { GREETING: process.env.GREETING, OTHER: process.env.OTHER_GREETING ?? null,
              region: process.env.AWS_REGION, name: process.env.AWS_LAMBDA_FUNCTION_NAME, ddb: process.env.AWS_ENDPOINT_URL_DYNAMODB,
              key: process.env.AWS_ACCESS_KEY_ID, fn: context.functionName, remaining: context.getRemainingTimeInMillis() > 0 };
            if (event.action === "log") console.log("a log line");
            if (event.action === "logThenSpin") { console.log("before the spin"); for (;;); }
            if (event.action === "output") {
              process.stdout.write("part one, ");
              process.stdout.write("part two\\r");
              process.stdout.write("\\nsecond\\n\\n");
              process.stderr.write(Buffer.from("from stderr\\n"));
              process.stdout.write("6869", "hex");
              process.stdout.write(" (hex)\\ntail without a line break");
            }
            return { calls, event };
          };
  Other:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: other-fn
      Runtime: nodejs24.x
      Handler: index.main
      Environment: {Variables: {OTHER_GREETING: hi}}
      Code:
        ZipFile: |
          exports.main = (event, context, callback) => callback(null, { GREETING: process.env.GREETING ?? null, OTHER: process.env.OTHER_GREETING });
  Sdk:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Code:
        ZipFile: |
          const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
          exports.handler = async () => {
            const imported = await import("@aws-sdk/lib-dynamodb");
            let other = "not found";
            try { require("chai"); other = "found"; } catch (error) { other = error.code; }
            return { client: typeof DynamoDBClient, imported: typeof imported.DynamoDBDocumentClient, other };
          };
  Hungry:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 128
      Timeout: 30
      Code:
        ZipFile: |
          const kept = [];
          exports.handler = async (event) => {
            if (event.grow) for (;;) kept.push(new Array(1e6).fill(kept.length));
            return "fine";
          };
  NoExport:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.missing
      Code: {ZipFile: "exports.handler = async () => 1;"}
`;

describe("local/lambda/lambda-runtime", function () {
  this.timeout(20_000);
  let stack: ResolvedStack;
  let runtime: LambdaRuntime;
  const logLines: string[] = [];
  const arn = (logicalId: string) => stack.resources[logicalId]?.attributes.Arn as string;

  before(() => {
    stack = resolveStack(parseTemplate(TEMPLATE));
    runtime = createLambdaRuntime({
      stack,
      dynamodb: {
        endpoint: "http://127.0.0.1:8999",
        credentialsFor: () => ({ accessKeyId: "LOCALTEST", secretAccessKey: "s" }),
      },
      maxConcurrency: 2,
      log: (line) => logLines.push(line),
    });
  });
  after(() => runtime.close());

  it("runs the handler and keeps the environment warm between invocations", async () => {
    const first = await runtime.invoke(arn("Echo"), { action: "count" });
    const second = await runtime.invoke(arn("Echo"), { action: "count" });
    expect(first).to.deep.equal({ kind: "result", payload: { calls: 1, event: { action: "count" } } });
    expect(second).to.deep.include({ kind: "result" });
    expect((second as { payload: { calls: number } }).payload.calls).to.equal(2);
    expect(runtime.invocationCount(arn("Echo"))).to.equal(2);
  });

  it("reload replaces a function's warm environments: idle ones now, a running one when it ends", async () => {
    await runtime.invoke(arn("Echo"), { action: "count" });
    const warm = await runtime.invoke(arn("Echo"), { action: "count" });
    expect((warm as { payload: { calls: number } }).payload.calls).to.be.greaterThan(1);
    const running = runtime.invoke(arn("Echo"), { action: "sleep", ms: 200 });
    runtime.reload("Echo");
    // The running invocation finishes in the environment it started in (its count goes on)...
    expect(((await running) as { payload: { calls: number } }).payload.calls).to.be.greaterThan(1);
    // ...and every later one starts afresh, loading the code again.
    expect(await runtime.invoke(arn("Echo"), { action: "count" })).to.deep.include({
      payload: { calls: 1, event: { action: "count" } },
    });
    expect(() => runtime.reload("NotAFunction")).to.not.throw();
  });

  it("gives each function its own environment variables plus the Lambda ones", async () => {
    const echo = await runtime.invoke(arn("Echo"), { action: "env" });
    const other = await runtime.invoke("other-fn", {});
    expect(echo).to.deep.equal({
      kind: "result",
      payload: {
        GREETING: "hello",
        OTHER: null,
        region: "us-east-1",
        name: stack.resources.Echo?.physicalId,
        ddb: "http://127.0.0.1:8999",
        key: "LOCALTEST",
        fn: stack.resources.Echo?.physicalId,
        remaining: true,
      },
    });
    expect(other).to.deep.equal({ kind: "result", payload: { GREETING: null, OTHER: "hi" } });
    expect(process.env.GREETING).to.equal(undefined);
  });

  it("answers a thrown error as a Lambda error object (errorType = error.name)", async () => {
    const outcome = await runtime.invoke(arn("Echo"), { action: "throw" });
    expect(outcome).to.include({
      kind: "error",
      errorType: "ValidationError",
      errorMessage: "BadRequest: no",
    });
    expect((outcome as { trace: string[] }).trace[0]).to.equal("ValidationError: BadRequest: no");
    const thrownString = await runtime.invoke(arn("Echo"), { action: "throwString" });
    expect(thrownString).to.deep.equal({ kind: "error", errorType: "string", errorMessage: "plain" });
  });

  it("answers timeout past the function's Timeout, then serves again from a fresh environment", async () => {
    expect(await runtime.invoke(arn("Echo"), { action: "hang" })).to.deep.equal({ kind: "timeout" });
    const after = await runtime.invoke(arn("Echo"), { action: "count" });
    expect(after).to.deep.include({ kind: "result" });
  });

  for (const [action, message] of [
    ["exit", /exited with code 3/],
    ["uncaught", /TypeError: late/],
    ["circular", /not JSON-serialisable/],
  ] as const) {
    it(`answers crash when the handler ${action === "exit" ? "exits" : action === "uncaught" ? "throws outside the invocation" : "returns a circular result"}, and keeps serving`, async () => {
      const outcome = await runtime.invoke(arn("Echo"), { action });
      expect(outcome.kind).to.equal("crash");
      expect((outcome as { message: string }).message).to.match(message);
      expect(await runtime.invoke(arn("Echo"), { action: "count" })).to.deep.include({ kind: "result" });
    });
  }

  it("answers crash when the function outgrows its MemorySize, and keeps serving", async () => {
    const outcome = await runtime.invoke(arn("Hungry"), { grow: true });
    expect(outcome.kind).to.equal("crash");
    expect((outcome as { message: string }).message).to.contain("memory");
    expect(await runtime.invoke(arn("Hungry"), {})).to.deep.equal({ kind: "result", payload: "fine" });
  });

  it("answers Runtime.HandlerNotFound for a missing export", async () => {
    const outcome = await runtime.invoke(arn("NoExport"), {});
    expect(outcome).to.include({ kind: "error", errorType: "Runtime.HandlerNotFound" });
  });

  it("answers crash for a function that is not in the stack", async () => {
    const outcome = await runtime.invoke("arn:aws:lambda:us-east-1:000000000000:function:nope", {});
    expect(outcome).to.deep.equal({
      kind: "crash",
      message: "function arn:aws:lambda:us-east-1:000000000000:function:nope is not in the stack",
    });
  });

  it("answers more concurrent invocations than the concurrency limit (the rest wait in line)", async () => {
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke("other-fn", {})));
    expect(outcomes.every((outcome) => outcome.kind === "result")).to.equal(true);
  });

  describe("with one environment and a queue of one", () => {
    let small: LambdaRuntime;
    const smallLog: string[] = [];
    beforeEach(() => {
      smallLog.length = 0;
      small = createLambdaRuntime({
        stack,
        maxConcurrency: 1,
        maxQueued: 1,
        log: (line) => smallLog.push(line),
      });
    });
    afterEach(() => small.close());

    it("answers throttled, without running it, an invocation beyond the queue", async () => {
      const running = small.invoke(arn("Echo"), { action: "sleep", ms: 300 });
      const waiting = small.invoke(arn("Echo"), { action: "count" });
      expect(await small.invoke(arn("Echo"), { action: "count" })).to.deep.equal({ kind: "throttled" });
      expect(smallLog.some((line) => /^Echo throttled: 1 invocations already waiting/.test(line))).to.equal(
        true,
      );
      expect((await running).kind).to.equal("result");
      expect(await waiting).to.deep.include({ kind: "result" });
      expect(small.invocationCount("Echo")).to.equal(2);
    });

    it("stops a running invocation whose caller gave up, and recycles its environment", async () => {
      await small.invoke(arn("Echo"), { action: "count" });
      const caller = new AbortController();
      const hanging = small.invoke(arn("Echo"), { action: "hang" }, { signal: caller.signal });
      await new Promise((resolve) => setTimeout(resolve, 100));
      caller.abort();
      expect(await hanging).to.deep.equal({ kind: "crash", message: "stopped: the caller stopped waiting" });
      expect(smallLog).to.include("Echo invocation stopped: its caller stopped waiting (worker recycled)");
      // A fresh environment: the module-level counter starts again.
      expect(await small.invoke(arn("Echo"), { action: "count" })).to.deep.equal({
        kind: "result",
        payload: { calls: 1, event: { action: "count" } },
      });
    });

    it("takes a waiting invocation whose caller gave up out of the line", async () => {
      const running = small.invoke(arn("Echo"), { action: "sleep", ms: 300 });
      const caller = new AbortController();
      const waiting = small.invoke(arn("Echo"), { action: "count" }, { signal: caller.signal });
      caller.abort();
      expect(await waiting).to.deep.equal({ kind: "crash", message: "stopped: the caller stopped waiting" });
      // Its place in the line is free again.
      const next = small.invoke(arn("Echo"), { action: "count" });
      expect((await running).kind).to.equal("result");
      expect(await next).to.deep.include({ kind: "result" });
    });
  });

  it("lets inline code require and import @aws-sdk/* like the Lambda runtime, and nothing else of the project", async () => {
    expect(await runtime.invoke(arn("Sdk"), {})).to.deep.equal({
      kind: "result",
      payload: { client: "function", imported: "function", other: "MODULE_NOT_FOUND" },
    });
  });

  it("passes the function's output lines to the log, prefixed with its logical id", async () => {
    await runtime.invoke(arn("Echo"), { action: "log" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines).to.include("Echo a log line");
  });

  it("cuts the output into lines as written, across writes, \\r\\n and stderr; a last partial line when the worker ends", async () => {
    logLines.length = 0;
    const outcome = await runtime.invoke(arn("Echo"), { action: "output" });
    // The output arrives before the reply: the lines are in the log once the invocation answered.
    expect(logLines).to.deep.equal([
      "Echo part one, part two",
      "Echo second",
      "Echo ",
      "Echo from stderr",
      "Echo hi (hex)",
    ]);
    expect(outcome).to.deep.include({
      logs: [
        "part one, ",
        "part two\r",
        "second",
        "from stderr",
        "hi",
        " (hex)",
        "tail without a line break",
      ],
    });
    runtime.reload("Echo");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logLines.at(-1)).to.equal("Echo tail without a line break");
  });

  it("logs what a function wrote before it got stuck (a busy loop until its timeout)", async () => {
    logLines.length = 0;
    expect(await runtime.invoke(arn("Echo"), { action: "logThenSpin" })).to.deep.include({ kind: "timeout" });
    expect(logLines).to.include("Echo before the spin");
  });

  describe("with a gate of the function's own in each worker", () => {
    const GATED = `
Resources:
  Gated:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Code:
        ZipFile: |
          const atLoad = process.env.AWS_ENDPOINT_URL_DYNAMODB;
          exports.handler = async () => ({ atLoad, workerData: require("node:worker_threads").workerData });
`;
    // The worker imports this in place of the bundled function-gate.ts: it says what it was given.
    const GATE_MODULE = `export async function startFunctionGate(setup, log) {
  if (setup.fail) throw new Error("no port for the gate");
  log(\`gate of \${setup.logicalId} started\`);
  return { endpoint: \`http://127.0.0.1:9/\${setup.logicalId}\` };
}
`;
    let dir: string;
    const start = (setup: Record<string, unknown>, lines: string[]) =>
      createLambdaRuntime({
        stack: resolveStack(parseTemplate(GATED)),
        dynamodb: {
          endpoint: "http://127.0.0.1:8999",
          credentialsFor: () => ({ accessKeyId: "LOCALTEST", secretAccessKey: "s" }),
          workerGate: {
            modulePath: join(dir, "gate.mjs"),
            setupFor: (logicalId) => ({ logicalId, secret: "the run's database", ...setup }),
          },
        },
        log: (line) => lines.push(line),
      });
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "worker-gate-"));
      writeFileSync(join(dir, "gate.mjs"), GATE_MODULE);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("starts it before the handler loads, points the function at it and logs its lines; its setup is not left in workerData", async () => {
      const lines: string[] = [];
      const gated = start({}, lines);
      try {
        const outcome = await gated.invoke("Gated", {});
        expect(outcome).to.deep.include({ kind: "result" });
        const payload = (outcome as { payload: { atLoad: string; workerData: Record<string, unknown> } })
          .payload;
        expect(payload.atLoad).to.equal("http://127.0.0.1:9/Gated");
        expect(payload.workerData).to.include({ exportPath: "handler" }).and.not.have.property("gate");
        expect(JSON.stringify(payload)).to.not.include("the run's database");
        expect(lines).to.include("gate of Gated started");
      } finally {
        await gated.close();
      }
    });

    it("fails the init phase, with why, when the gate does not start", async () => {
      const gated = start({ fail: true }, []);
      try {
        expect(await gated.invoke("Gated", {})).to.deep.include({
          kind: "error",
          errorMessage: "no port for the gate",
          initFailed: true,
        });
      } finally {
        await gated.close();
      }
    });
  });

  describe("refusals", () => {
    const refuse = (
      yaml: string,
      options: Parameters<typeof createLambdaRuntime>[0] extends infer O ? Partial<O> : never = {},
    ) => {
      try {
        createLambdaRuntime({ stack: resolveStack(parseTemplate(yaml)), ...options });
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        return (error as Error).message;
      }
      return expect.fail("expected the runtime to refuse the function configuration");
    };

    it("refuses a runtime AWS no longer lets you create, with the date", () => {
      const message = refuse(
        "Resources:\n  Old:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs12.x, Handler: index.h, Code: {ZipFile: x}}\n",
      );
      expect(message)
        .to.contain(
          "Resources.Old.Properties.Runtime: Old: AWS Lambda no longer lets you create functions with nodejs12.x",
        )
        .and.contain("blocked since 2023-03-31");
    });

    it("refuses a runtime other than nodejs*.x, naming the function", () => {
      const message = refuse(
        "Resources:\n  Py:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12, Handler: app.h, Code: {ZipFile: x}}\n",
      );
      expect(message)
        .to.contain("Resources.Py.Properties.Runtime")
        .and.contain("python3.12")
        .and.contain("nodejs");
    });

    it("says to run make package when there is no build", () => {
      const message = refuse(
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, Code: {S3Bucket: b, S3Key: f-123.zip}}\n",
      );
      expect(message).to.contain("make package");
    });

    it("says to run make package when the manifest does not list the S3 key", () => {
      const message = refuse(
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, Code: {S3Bucket: b, S3Key: f-123.zip}}\n",
        { manifest: { functions: { F: { key: "f-456.zip", buildDir: "dist/build/F" } } } },
      );
      expect(message).to.contain("s3://b/f-123.zip").and.contain("make package");
    });

    it("refuses inline code whose handler is not in index.js", () => {
      const message = refuse(
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: app.handler, Code: {ZipFile: x}}\n",
      );
      expect(message).to.contain("index.<export>");
    });

    it("refuses a handler that is not <file>.<export>", () => {
      const message = refuse(
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: nodejs22.x, Handler: index, Code: {ZipFile: x}}\n",
      );
      expect(message).to.contain("Resources.F.Properties.Handler");
    });
  });
});
