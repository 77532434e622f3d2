/**
 * `make start` as a user runs it (local/start.ts in a child process): the ready line names the
 * DynamoDB that runs, the state file tells the tools what it can do, Ctrl-C leaves no JVM behind,
 * and without Java the same flow runs on the dynalite fallback.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../local/index.js";
import { ensurePackagedFunctions } from "./support/packaged-functions.js";

/** The `make start` of the current test, stopped after it even when it fails. */
let running: Started | undefined;

interface Started {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the process's exit code. */
  exited: Promise<number | null>;
}

/** Runs local/start.ts until its ready line and what it says of the demo token (or its exit). */
async function start(dir: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "local/start.ts")], {
    env: {
      ...process.env,
      ...env,
      // Free ports picked by make start itself: a port chosen here could be taken by one of its own
      // listeners (the DynamoDB behind the gate, the JWT issuer) before it binds the API.
      PORT: "0",
      DYNAMODB_PORT: "0",
      DATA_DIR: join(dir, "data"),
      LOCAL_STATE_FILE: join(dir, "state.json"),
      INSPECTOR_PORT: "0",
      WATCH: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  running = { child, lines, exited };
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      // The demo-token lines follow the ready line, possibly in a later chunk: wait for them too.
      const ready = lines.some((line) => line.startsWith("Local API ready"));
      if (ready && lines.some((line) => /^(Demo token|No new demo token)/.test(line))) resolve();
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    void exited.then((code) => reject(new Error(`make start exited with ${code}: ${lines.join("\n")}`)));
  });
  return running;
}

/** Process ids of the processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const ps = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return ps.stdout
    .split("\n")
    .filter((line) => line.includes(text) && !line.includes("ps -eo"))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** PUT then GET a user with the demo token the first start prints. */
async function userRoundTrip(lines: string[]): Promise<void> {
  const demo = lines.find((line) => line.startsWith("Demo token"));
  const token = /not stored\): (\S+)/.exec(demo ?? "")?.[1] as string;
  const url = /ready at (\S+)/.exec(lines.find((line) => line.startsWith("Local API ready")) ?? "")?.[1];
  const headers = { Authorization: token, "content-type": "application/json" };
  const put = await fetch(`${url}/user`, { method: "PUT", headers, body: '{"id":"u-1","name":"Ann"}' });
  expect(put.status, `${await put.text()}\n${lines.join("\n")}`).to.equal(204);
  const get = await fetch(`${url}/user/u-1`, { headers });
  expect(get.status).to.equal(200);
  expect(await get.json()).to.deep.include({ id: "u-1", name: "Ann", createdBy: "demo" });
}

describe("local/start: make start", function () {
  this.timeout(240_000);
  let dir: string;
  before(() => ensurePackagedFunctions());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "make-start-test-"));
  });
  afterEach(async () => {
    // A failed test must not leave `make start` (and its JVM) running.
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs on DynamoDB Local, publishes what it can do, and leaves no JVM after Ctrl-C", async () => {
    const { child, lines, exited } = await start(dir, {});
    const ready = lines.find((line) => line.startsWith("Local API ready")) as string;
    expect(ready).to.match(
      /ready at http:\/\/127\.0\.0\.1:[1-9]\d*\/v1 in \d+\.\d s \(DynamoDB Local \d+\.\d+\.\d+ behind the IAM gate at /,
    );
    const stateFile = join(dir, "state.json");
    expect(statSync(stateFile).mode & 0o777).to.equal(0o600);
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(state.dynamodb).to.deep.include({
      backend: "dynamodb-local",
      capabilities: { supportsTransactions: true, supportsTimeToLive: true },
    });
    // Tools get the gate's admin key, never the key of the database behind it.
    const database = JSON.parse(readFileSync(join(dir, "data", "dynamodb-credentials.json"), "utf8"));
    expect(state.dynamodb.credentials.accessKeyId)
      .to.match(/^LOCAL/)
      .and.not.equal(database.accessKeyId);
    await userRoundTrip(lines);
    expect(processesMentioning(join(dir, "data"))).to.have.length.greaterThan(0);

    child.kill("SIGINT");
    expect(await exited).to.equal(0);
    expect(processesMentioning(join(dir, "data"))).to.deep.equal([]);
    expect(() => statSync(stateFile)).to.throw();
  });

  it("refuses a port that is not one in one line, saying 0 picks a free port", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "local/start.ts")], {
      env: {
        ...process.env,
        PORT: "70000",
        DATA_DIR: join(dir, "data"),
        LOCAL_STATE_FILE: join(dir, "state.json"),
      },
      encoding: "utf8",
    });
    expect(run.status).to.equal(1);
    expect(run.stderr.trim()).to.equal(
      "make start: PORT=70000 is not a port: use a number from 0 to 65535 (0 picks any free port)",
    );
  });

  it("without Java (PATH without java), runs the same flow on dynalite and says what is missing", async () => {
    const { child, lines, exited } = await start(dir, { PATH: "/nonexistent", JAVA_HOME: "" });
    const fallback = lines.filter((line) => line.startsWith("DynamoDB Local needs Java 17+"));
    expect(fallback).to.have.length(1);
    expect(fallback[0]).to.contain("no transactions").and.contain("no TTL").and.contain("apt-get install");
    expect(lines.find((line) => line.startsWith("Local API ready"))).to.contain("(dynalite (fallback");
    const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
    expect(state.dynamodb.capabilities).to.deep.equal({
      supportsTransactions: false,
      supportsTimeToLive: false,
    });
    await userRoundTrip(lines);
    child.kill("SIGINT");
    expect(await exited).to.equal(0);
  });
});
