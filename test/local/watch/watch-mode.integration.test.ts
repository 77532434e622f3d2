/**
 * Watch mode over HTTP, on a copy of the project's template and handlers (in `.local/`, inside the
 * repository so the copy resolves the project's node_modules): a handler edit is served without a
 * restart, within the 3 s budget (the figure is printed); a template edit reloads the API on the same
 * port with the data kept; a failed build or an invalid template keeps the previous version serving
 * and says why.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { listFunctions } from "../../../lib/build/functions.js";
import { loadTemplate } from "../../../lib/cloudformation/load-template.js";
import { issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "../../../local/index.js";
import { createFunctionBuilds } from "../../../local/watch/function-builds.js";
import { startWatchMode, type WatchMode } from "../../../local/watch/watch-mode.js";

/** The reload budget of issue 9: a handler change is served within 3 s (printed, see the first test). */
const RELOAD_BUDGET_MS = 3_000;

describe("local/watch: make start reloads what changed", function () {
  this.timeout(180_000);
  const copy = join(PROJECT_ROOT, `.local/watch-test-${process.pid}`);
  const templatePath = join(copy, "cloudformation/api.yaml");
  const handlerPath = join(copy, "handlers/user/user-handler.ts");
  const lines: string[] = [];
  let api: LocalApi;
  let watch: WatchMode;
  let documentClient: DynamoDBDocumentClient;
  let token: string;

  const get = (path: string, method = "GET") =>
    fetch(`${api.url}${path}`, { method, headers: { Authorization: token } });
  const edit = (path: string, from: string, to: string) => {
    const text = readFileSync(path, "utf8");
    expect(text, `${path} contains ${from}`).to.include(from);
    writeFileSync(path, text.replace(from, to));
  };
  /** Polls until `check` holds; returns the milliseconds it took. */
  async function until(check: () => Promise<boolean>, limitMs = 20_000): Promise<number> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > limitMs)
        expect.fail(`not served within ${limitMs} ms:\n${lines.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return Date.now() - started;
  }
  const reloadsAfter = async (before: number) => until(async () => watch.reloads() > before);

  before(async () => {
    mkdirSync(copy, { recursive: true });
    cpSync(join(PROJECT_ROOT, "handlers"), join(copy, "handlers"), { recursive: true });
    cpSync(join(PROJECT_ROOT, "cloudformation"), join(copy, "cloudformation"), { recursive: true });
    const builds = createFunctionBuilds(copy, "build");
    const manifest = await builds.sync(listFunctions(loadTemplate(templatePath)));
    api = await startLocalApi({ templatePath, manifest, port: 0, dynamodbPort: 0, dataDir: null });
    watch = await startWatchMode({ api, root: copy, templatePath, log: (line) => lines.push(line), builds });
    documentClient = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
    const store = { client: documentClient, tableName: api.outputs.TokenTableName as string };
    token = (await issueToken(store, { principalId: "watcher", scopes: ["*"] })).token;
    const put = await fetch(`${api.url}/user`, {
      method: "PUT",
      headers: { Authorization: token, "Content-Type": "application/json" },
      body: JSON.stringify({ id: "kept", name: "Before" }),
    });
    expect(put.status).to.equal(204);
  });
  after(async () => {
    await watch?.close();
    documentClient?.destroy();
    await api?.stop();
    rmSync(copy, { recursive: true, force: true });
  });

  it("serves a handler edit in seconds, rebuilding only the function that imports it, and says so", async () => {
    const figures: number[] = [];
    for (const version of [1, 2, 3]) {
      const before = watch.reloads();
      const edited = Date.now();
      edit(
        handlerPath,
        version === 1 ? "return user;" : `name: "edit ${version - 1}"`,
        version === 1 ? 'return { ...user, name: "edit 1" };' : `name: "edit ${version}"`,
      );
      await until(async () => {
        const response = await get("/user/kept");
        return ((await response.json()) as { name?: string }).name === `edit ${version}`;
      });
      figures.push(Date.now() - edited);
      await reloadsAfter(before);
      expect(lines.at(-1)).to.match(
        /^rebuilt and reloaded UserFunction in \d+ ms \(handlers\/user\/user-handler\.ts changed\)$/,
      );
    }
    const median = [...figures].sort((a, b) => a - b)[1] as number;
    console.log(
      `      handler edit served after ${figures.join(", ")} ms (median ${median} ms; budget ${RELOAD_BUDGET_MS} ms)`,
    );
    // The budget is for a quiet machine; the assertion only catches a return to full restarts (12–25 s).
    expect(median).to.be.below(RELOAD_BUDGET_MS * 3);
  });

  it("keeps serving the previous build when the edit does not compile, and prints the error", async () => {
    const failures = lines.length;
    edit(handlerPath, "export function createUserHandler(", "export function createUserHandler((");
    await until(async () => lines.slice(failures).some((line) => line.includes("build failed")));
    expect(lines.slice(failures).join("\n")).to.match(
      /UserFunction: build failed, still serving the previous version: .*user-handler\.ts/s,
    );
    expect((await get("/user/kept")).status).to.equal(200);
    edit(handlerPath, "export function createUserHandler((", "export function createUserHandler(");
  });

  it("reloads the API when the template changes, on the same port with the data kept", async () => {
    const from = lines.length;
    const origin = api.origin;
    edit(templatePath, `"'DELETE,GET,OPTIONS'"`, `"'DELETE,GET,OPTIONS,PATCH'"`);
    await until(async () => lines.slice(from).some((line) => line.startsWith("reloaded the API")));
    const preflight = await get("/user/kept", "OPTIONS");
    expect(preflight.headers.get("access-control-allow-methods")).to.equal("DELETE,GET,OPTIONS,PATCH");
    expect(api.origin).to.equal(origin);
    expect((await get("/user/kept")).status).to.equal(200);
    expect(lines.slice(from).join("\n")).to.match(
      /^reloaded the API from cloudformation\/api\.yaml in \d+ ms/m,
    );
  });

  it("keeps serving the previous API when the template is invalid, and prints why", async () => {
    const failures = lines.length;
    const valid = readFileSync(templatePath, "utf8");
    writeFileSync(templatePath, `${valid}\n  Broken: [unclosed\n`);
    await until(async () =>
      lines.slice(failures).some((line) => line.includes("still serving the previous")),
    );
    expect(lines.slice(failures).join("\n")).to.include("cloudformation/api.yaml: ");
    expect((await get("/user/kept")).status).to.equal(200);
    writeFileSync(templatePath, valid);
  });
});
