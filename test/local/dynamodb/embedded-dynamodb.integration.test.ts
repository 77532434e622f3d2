import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import dynalite from "dynalite";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { generateLocalCredentials, localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { DYNAMODB_LOCAL_CORS_ORIGIN } from "../../../local/dynamodb/dynamodb-local.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { closeServer, listen } from "../../../local/listen.js";

const TABLE = {
  TableName: "things",
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" as const }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" as const }],
  BillingMode: "PAY_PER_REQUEST" as const,
};
const HOLDER = fileURLToPath(new URL("./support/hold-dynamodb-local.ts", import.meta.url));

/** Process ids of the processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const ps = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return ps.stdout
    .split("\n")
    .filter((line) => line.includes(text) && !line.includes("ps -eo"))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

describe("local/dynamodb/embedded-dynamodb", function () {
  this.timeout(180_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "embedded-dynamodb-test-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe("on DynamoDB Local", () => {
    let dynamodb: EmbeddedDynamoDB;
    let runDir: string;
    const lines: string[] = [];
    before(async () => {
      runDir = join(mkdtempSync(join(tmpdir(), "embedded-dynamodb-test-")), "data");
      dynamodb = await startEmbeddedDynamoDB({
        dataDir: runDir,
        backend: "auto",
        log: (line) => lines.push(line),
      });
    });
    after(async () => {
      await dynamodb.stop();
      rmSync(join(runDir, ".."), { recursive: true, force: true });
    });

    it("runs DynamoDB Local with every capability, and says nothing about a fallback", () => {
      expect(dynamodb.backend).to.equal("dynamodb-local");
      expect(dynamodb.description).to.match(/^DynamoDB Local \d+\.\d+/);
      expect(dynamodb.capabilities).to.deep.equal({ supportsTransactions: true, supportsTimeToLive: true });
      expect(dynamodb.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines).to.deep.equal([]);
    });

    it("keeps the run's random credentials in the data directory, readable by the owner only", () => {
      const file = join(runDir, "dynamodb-credentials.json");
      expect(JSON.parse(readFileSync(file, "utf8"))).to.deep.equal(dynamodb.credentials);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(statSync(runDir).mode & 0o077).to.equal(0);
      expect(dynamodb.credentials.accessKeyId).to.match(/^LOCAL[A-Z2-7]{15}$/);
    });

    it("keeps the run's database under its access key id: other credentials see an empty one", async () => {
      const client = localDynamoDBClient(dynamodb);
      const stranger = localDynamoDBClient({
        endpoint: dynamodb.endpoint,
        credentials: generateLocalCredentials(),
      });
      try {
        await client.send(new CreateTableCommand(TABLE));
        expect((await client.send(new ListTablesCommand({}))).TableNames).to.include("things");
        expect((await stranger.send(new ListTablesCommand({}))).TableNames).to.deep.equal([]);
      } finally {
        client.destroy();
        stranger.destroy();
      }
    });

    it("runs TransactWriteItems (which dynalite cannot)", async () => {
      const client = localDynamoDBClient(dynamodb);
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: "things", Item: { id: { S: "a" } } } },
              { Put: { TableName: "things", Item: { id: { S: "b" } } } },
            ],
          }),
        );
        const item = await client.send(new GetItemCommand({ TableName: "things", Key: { id: { S: "b" } } }));
        expect(item.Item).to.deep.equal({ id: { S: "b" } });
      } finally {
        client.destroy();
      }
    });

    it("answers no web page's CORS preflight", async () => {
      const response = await fetch(dynamodb.endpoint, {
        method: "OPTIONS",
        headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
      });
      expect(response.headers.get("access-control-allow-origin")).to.equal(null);
      expect(DYNAMODB_LOCAL_CORS_ORIGIN).to.match(/\.invalid$/);
    });

    it("refuses a second start on the same data directory while this one runs", async () => {
      // Another process's claim: this process's own pid would count as its own.
      const sleeper = spawn("sleep", ["30"]);
      try {
        const other = mkdtempSync(join(tmpdir(), "embedded-dynamodb-test-"));
        writeFileSync(join(other, "local-api.pid"), String(sleeper.pid));
        const error = await startEmbeddedDynamoDB({ dataDir: other }).catch((caught: unknown) => caught);
        rmSync(other, { recursive: true, force: true });
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as Error).message).to.contain(`process ${sleeper.pid}`);
      } finally {
        sleeper.kill();
      }
    });
  });

  it("leaves no JVM behind when the process that started it is killed (SIGKILL)", async () => {
    const parent = spawn(process.execPath, ["--import", "tsx", HOLDER, dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    const ready = await new Promise<string>((resolve, reject) => {
      parent.stdout.on("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
      parent.once("exit", (code) => reject(new Error(`the holder exited with ${code}`)));
    });
    expect(JSON.parse(ready).endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jvms = () =>
      processesMentioning(join(dataDir, "dynamodb-local")).filter((pid) => pid !== parent.pid);
    expect(jvms()).to.have.length.greaterThan(0);
    parent.kill("SIGKILL");
    expect(
      await eventually(() => jvms().length === 0, 30_000),
      `still running: ${jvms().join(", ")}`,
    ).to.equal(true);
  });

  it("says which variable moves it when its port is taken (DynamoDB Local and dynalite)", async () => {
    const blocker = createServer();
    const port = await listen(blocker, "127.0.0.1", 0, { service: "blocker", envVariable: "X" });
    try {
      for (const backend of ["dynamodb-local", "dynalite"] as const) {
        const error = await startEmbeddedDynamoDB({ port, dataDir: null, backend }).catch(
          (caught: unknown) => caught,
        );
        expect(error, backend).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as Error).message)
          .to.contain(`port ${port}`)
          .and.contain("DYNAMODB_PORT=");
      }
    } finally {
      await closeServer(blocker);
    }
  });

  describe("without Java", () => {
    const noJava = { PATH: "/nonexistent" };

    it("falls back to dynalite, in one line saying what is missing and how to install Java", async () => {
      const lines: string[] = [];
      const dynamodb = await startEmbeddedDynamoDB({ dataDir: null, env: noJava, log: (l) => lines.push(l) });
      await dynamodb.stop();
      expect(dynamodb.backend).to.equal("dynalite");
      expect(dynamodb.capabilities).to.deep.equal({ supportsTransactions: false, supportsTimeToLive: false });
      expect(lines).to.have.length(1);
      expect(lines[0])
        .to.contain("no java on PATH")
        .and.contain("no transactions")
        .and.contain("no TTL")
        .and.contain("apt-get install openjdk-17")
        .and.contain("brew install")
        .and.contain("winget install");
    });

    it("refuses LOCAL_DYNAMODB=dynamodb-local, saying how to install Java", async () => {
      const error = await startEmbeddedDynamoDB({
        dataDir: null,
        env: noJava,
        backend: "dynamodb-local",
      }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect((error as Error).message)
        .to.contain("Java 17+")
        .and.contain("apt-get install");
    });
  });

  describe("a data directory written by dynalite before DynamoDB Local", () => {
    /** Writes a dynalite-era directory: LevelDB files in the directory itself, one table, two items. */
    async function writeLegacyDirectory(): Promise<void> {
      const server = dynalite({ path: dataDir, createTableMs: 0 });
      const port = await listen(server, "127.0.0.1", 0, { service: "legacy", envVariable: "-" });
      const client = localDynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        credentials: generateLocalCredentials(),
      });
      try {
        await client.send(new CreateTableCommand(TABLE));
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const id of ["a", "b"]) {
          await client.send(new PutItemCommand({ TableName: "things", Item: { id: { S: id } } }));
        }
      } finally {
        client.destroy();
        await closeServer(server);
      }
    }

    it("is carried over to DynamoDB Local on the first start, its files kept aside", async () => {
      await writeLegacyDirectory();
      const lines: string[] = [];
      const dynamodb = await startEmbeddedDynamoDB({
        dataDir,
        backend: "dynamodb-local",
        log: (l) => lines.push(l),
      });
      const client = localDynamoDBClient(dynamodb);
      try {
        const item = await client.send(new GetItemCommand({ TableName: "things", Key: { id: { S: "b" } } }));
        expect(item.Item).to.deep.equal({ id: { S: "b" } });
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(
          /^carried the dynalite data over to DynamoDB Local: things \(2 items\); the old files are kept in .*dynalite-imported-/,
        );
        const kept = readdirSync(dataDir).filter((name) => name.startsWith("dynalite-imported-"));
        expect(kept).to.have.length(1);
        expect(readdirSync(join(dataDir, kept[0] as string))).to.include("CURRENT");
        expect(readdirSync(dataDir)).to.not.include("CURRENT");
      } finally {
        client.destroy();
        await dynamodb.stop();
      }
    });

    it("is moved into dynalite/ (and used) on the fallback", async () => {
      await writeLegacyDirectory();
      const lines: string[] = [];
      const dynamodb = await startEmbeddedDynamoDB({
        dataDir,
        backend: "dynalite",
        log: (l) => lines.push(l),
      });
      const client = localDynamoDBClient(dynamodb);
      try {
        const item = await client.send(new GetItemCommand({ TableName: "things", Key: { id: { S: "a" } } }));
        expect(item.Item).to.deep.equal({ id: { S: "a" } });
        expect(lines).to.deep.equal([
          `moved the dynalite data of ${dataDir} into ${join(dataDir, "dynalite")}`,
        ]);
      } finally {
        client.destroy();
        await dynamodb.stop();
      }
    });
  });
});
