import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { writeLocalState } from "../../../lib/local-state.js";
import { resolveTokenTarget } from "../../../scripts/tokens/token-target.js";

describe("scripts/tokens/token-target", () => {
  let dir: string;
  let localStateFile: string;
  const write = (outputs: Record<string, string>) =>
    writeLocalState(
      {
        pid: process.pid,
        url: "http://127.0.0.1:3000/v1",
        dynamodb: {
          endpoint: "http://127.0.0.1:8000",
          credentials: { accessKeyId: "LOCALTEST", secretAccessKey: "secret" },
          backend: "dynalite",
          capabilities: { supportsTransactions: false, supportsTimeToLive: false },
        },
        region: "us-east-1",
        tables: {},
        outputs,
        startedAt: "2026-01-01T00:00:00.000Z",
      },
      localStateFile,
    );
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "token-target-test-"));
    localStateFile = join(dir, "state.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--local: the token table named by the running local API's TokenTableName output", async () => {
    write({ TokenTableName: "local-auth-token", TokenAuditTableName: "local-token-audit" });
    let flushed = 0;
    const target = resolveTokenTarget(
      { local: true },
      {
        localStateFile,
        flushLocalAuthorizerCache: async () => {
          flushed++;
        },
      },
    );
    try {
      expect(target.tableName).to.equal("local-auth-token");
      expect(target.auditTableName).to.equal("local-token-audit");
      expect(await target.actor()).to.match(/^local:\S+$/);
      expect(await target.flushAuthorizerCache()).to.equal(
        "authorizer cache of the local API (http://127.0.0.1:3000/v1) flushed",
      );
      expect(flushed).to.equal(1);
      expect(target.description).to.equal("the local API (http://127.0.0.1:3000/v1)");
      expect(await target.client.config.endpoint?.()).to.deep.include({ hostname: "127.0.0.1", port: 8000 });
    } finally {
      target.close();
    }
  });

  it("--local without a running local API says how to start it", () => {
    expect(() => resolveTokenTarget({ local: true }, { localStateFile })).to.throw(
      ApigwTokenAuthError,
      "make start",
    );
  });

  it("refuses a local API whose template has no TokenTableName output", () => {
    write({ ApiUrl: "x" });
    expect(() => resolveTokenTarget({ local: true }, { localStateFile })).to.throw(
      ApigwTokenAuthError,
      "TokenTableName",
    );
  });

  it("refuses a command line without a target", () => {
    expect(() => resolveTokenTarget({}, { localStateFile })).to.throw(ApigwTokenAuthError, "--local");
  });
});
