import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import {
  isProcessRunning,
  type LocalState,
  readLocalState,
  removeLocalState,
  writeLocalState,
} from "../../lib/local-state.js";

describe("lib/local-state", () => {
  let dir: string;
  let file: string;
  const state: LocalState = {
    pid: process.pid,
    url: "http://127.0.0.1:3000/v1",
    dynamodb: {
      endpoint: "http://127.0.0.1:8000",
      credentials: { accessKeyId: "LOCALTEST", secretAccessKey: "secret" },
      backend: "dynamodb-local",
      capabilities: { supportsTransactions: true, supportsTimeToLive: true },
    },
    region: "us-east-1",
    tables: { TokenTable: "local-auth-token" },
    outputs: { TokenTableName: "local-auth-token" },
    startedAt: "2026-01-01T00:00:00.000Z",
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "local-state-test-"));
    file = join(dir, "sub", "state.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads back what the running local API wrote", () => {
    writeLocalState(state, file);
    expect(readLocalState(file)).to.deep.equal(state);
  });

  it("keeps the file (and its admin secret) readable by this user only, also when it was wider", () => {
    writeLocalState(state, file);
    writeFileSync(file, "{}", { mode: 0o644 });
    const withAdmin = { ...state, admin: { url: "http://127.0.0.1:3001/", secret: "s3cret" } };
    writeLocalState(withAdmin, file);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readLocalState(file).admin).to.deep.equal(withAdmin.admin);
  });

  it("says how to start the local API when there is no state file", () => {
    expect(() => readLocalState(file)).to.throw(ApigwTokenAuthError, "start it with `make start`");
  });

  it("treats the state of a process that has ended as not running", () => {
    const ended = spawnSync(process.execPath, ["-e", ""]).pid as number;
    expect(isProcessRunning(ended)).to.equal(false);
    writeLocalState({ ...state, pid: ended }, file);
    expect(() => readLocalState(file)).to.throw(ApigwTokenAuthError, `process ${ended} has ended`);
  });

  it("removes the state file only for the process that wrote it", () => {
    writeLocalState(state, file);
    removeLocalState(process.pid + 1, file);
    expect(readLocalState(file).pid).to.equal(process.pid);
    removeLocalState(process.pid, file);
    expect(() => readLocalState(file)).to.throw(ApigwTokenAuthError, "the local API is not running");
  });

  it("refuses a state file that is not JSON", () => {
    writeLocalState(state, file);
    writeFileSync(file, "{");
    expect(() => readLocalState(file)).to.throw(ApigwTokenAuthError, "cannot read");
  });
});
