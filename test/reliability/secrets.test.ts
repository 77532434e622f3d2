/**
 * Security: after a run with good, unknown, malformed and revoked tokens (and a token-table outage,
 * so error paths log too), the token table holds only digests, nothing sent to DynamoDB carries a
 * token, and no log of any component does: the gateway's request log with `LOG_LEVEL=debug`'s whole
 * decision traces, the functions' stdout and stderr (forwarded to the local run's log), anything
 * written to this process's own stdout or stderr meanwhile, and the inspector's JSON (recent
 * requests with their traces, the authorizer cache) as its admin server serves it.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { type LocalStack, startLocalStack } from "../../bench/lib/local-stack.js";
import { digestPrefix, digestToken, generateToken } from "../../handlers/shared/token.js";
import { localAdminClient } from "../../lib/local-admin-client.js";
import { revokeToken } from "../../lib/tokens/token-issue-revoke.js";
import { type AdminServer, startAdminServer } from "../../local/admin/admin-server.js";
import { createRequestRing } from "../../local/admin/request-ring.js";
import { createAuthorizerCache } from "../../local/gateway/authorizer-cache.js";
import { ensurePackagedFunctions } from "../local/support/packaged-functions.js";

/** Collects what this process writes to stdout and stderr until `restore()`, still passing it on. */
function captureProcessOutput() {
  const captured: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap = (original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tap(originals.out, process.stdout);
  process.stderr.write = tap(originals.err, process.stderr);
  return {
    captured,
    restore() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

describe("reliability: secrets", function () {
  this.timeout(120_000);
  let stack: LocalStack;
  const sentTokens: string[] = [];
  let issued: string[] = [];
  let processOutput: string[] = [];
  let admin: AdminServer;
  let inspectorJson = "";
  const ring = createRequestRing();
  const authorizerCache = createAuthorizerCache();

  before(async () => {
    // Cache off: every request runs the authorizer, so every request's token reaches its code and logs.
    // Debug on: every request's whole decision trace goes to the log too; and the inspector's ring.
    await ensurePackagedFunctions();
    stack = await startLocalStack({
      parameterOverrides: { AuthorizerTtlSeconds: "0" },
      api: { debug: true, authorizerCache, onTrace: (trace) => ring.push(trace) },
    });
    admin = await startAdminServer({
      port: 0,
      sources: {
        requests: () => ring.list(),
        authorizerCache: () => stack.api.authorizerCacheEntries(),
        flushAuthorizerCache: () => authorizerCache.flush(Date.now()),
      },
    });
    const capture = captureProcessOutput();
    try {
      issued = [
        await stack.issue("alice", ["PUT /user", "GET /user/{id}"]),
        await stack.issue("bob", ["GET /user/{id}"]),
        await stack.issue("carol", ["*"]),
      ];
      const [alice, bob, carol] = issued as [string, string, string];
      await revokeToken(
        { client: stack.documentClient, tableName: stack.api.tables.TokenTable as string },
        { prefix: digestPrefix(digestToken(carol)) },
      );
      const unknown = generateToken();
      const call = async (authorization: string, method = "GET", body?: string) => {
        sentTokens.push(authorization);
        const response = await fetch(`${stack.api.url}${method === "PUT" ? "/user" : "/user/secret-test"}`, {
          method,
          headers: { Authorization: authorization, "content-type": "application/json" },
          ...(body === undefined ? {} : { body }),
        });
        await response.arrayBuffer();
        return response.status;
      };
      expect(await call(alice, "PUT", JSON.stringify({ id: "secret-test", name: "Secret" }))).to.equal(204);
      expect(await call(alice)).to.equal(200);
      expect(await call(bob)).to.equal(200);
      expect(await call(bob, "PUT", JSON.stringify({ id: "x", name: "x" }))).to.equal(403);
      expect(await call(carol)).to.equal(401);
      expect(await call(unknown)).to.equal(401);
      expect(await call(`${alice}-x`)).to.equal(401);
      expect(await call(`Bearer ${alice}`)).to.equal(401);
      // The table unavailable: the authorizer's error path logs as well.
      stack.proxy.setFault({ kind: "throttle" }, (c) => c.tableName === stack.api.tables.TokenTable);
      expect(await call(alice)).to.equal(500);
      stack.proxy.setFault({ kind: "none" });
      sentTokens.push(...issued);
      const inspector = localAdminClient({ admin: { url: admin.url, secret: admin.secret } });
      inspectorJson = JSON.stringify([await inspector.requests(), await inspector.authorizerCache()]);
    } finally {
      capture.restore();
      processOutput = capture.captured;
    }
  });
  after(async () => {
    await admin?.stop();
    await stack?.stop();
  });

  it("the token table holds only the digests of the issued tokens", async () => {
    const { Items = [] } = await stack.documentClient.send(
      new ScanCommand({ TableName: stack.api.tables.TokenTable as string }),
    );
    const stored = JSON.stringify(Items);
    for (const token of issued) expect(stored).to.not.include(token);
    // carol's record was revoked (deleted); alice's and bob's remain, keyed by digest.
    expect(Items.map((item) => item.tokenDigest).sort()).to.deep.equal(
      issued.slice(0, 2).map(digestToken).sort(),
    );
  });

  it("nothing sent to DynamoDB carries a token", () => {
    const wire = stack.proxy.calls.map((c) => c.body).join("\n");
    expect(wire).to.include(digestToken(issued[0] as string)); // the check can see what was sent
    for (const token of sentTokens) expect(wire).to.not.include(token);
  });

  it("no log line of the gateway or the functions, and nothing this process printed, carries a token", () => {
    expect(
      stack.logs.some((line) => line.includes("AuthorizerFunction")),
      "function logs were captured",
    ).to.equal(true);
    const everything = [...stack.logs, ...processOutput].join("\n");
    const leaks = sentTokens.filter((token) => everything.includes(token));
    expect(leaks.map((token) => `${token.slice(0, 4)}… (${token.length} characters)`)).to.deep.equal([]);
  });

  it("the debug log's decision traces and the inspector's JSON carry digest prefixes, never a token", () => {
    expect(
      stack.logs.some((line) => line.includes('"authorizer": {')),
      "debug traces were logged",
    ).to.equal(true);
    expect(inspectorJson).to.include(digestPrefix(digestToken(issued[0] as string)));
    expect(JSON.parse(inspectorJson)[0]).to.have.length.greaterThan(8);
    const leaks = sentTokens.filter((token) => inspectorJson.includes(token));
    expect(leaks.map((token) => `${token.slice(0, 4)}… (${token.length} characters)`)).to.deep.equal([]);
  });
});
