import { expect } from "chai";
import { digestToken } from "../../../handlers/shared/token.js";
import { issueToken, listTokens } from "../../../lib/tokens/token-store.js";
import { rotateToken } from "../../../scripts/tokens/rotate-token.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";
import { type TokenTables, useTokenTables } from "./support/token-tables.js";

describe("scripts/tokens/rotate-token", () => {
  const tokens = useTokenTables("rotate");
  let client: TokenTables["client"];
  let table: string;
  beforeEach(() => {
    ({ client, table } = tokens);
  });

  it("issues a new token with the old scopes and revokes every old token of that principal only", async () => {
    const old1 = await issueToken(client, table, { principalId: "alice", scopes: ["GET /user/*"] });
    const old2 = await issueToken(client, table, { principalId: "alice", scopes: ["GET /user/{id}"] });
    const bob = await issueToken(client, table, { principalId: "bob" });
    const rotated = await rotateToken(client, table, { principalId: "alice" });

    expect(rotated.record.scopes).to.deep.equal(["GET /user/*"]);
    expect(rotated.record.tokenDigest).to.equal(digestToken(rotated.token));
    expect(rotated.revoked.map((summary) => summary.principalId)).to.deep.equal(["alice", "alice"]);
    const left = (await listTokens(client, table)).map((summary) => summary.digestPrefix);
    expect(left).to.have.members([
      rotated.record.tokenDigest.slice(0, 12),
      bob.record.tokenDigest.slice(0, 12),
    ]);
    expect(left).not.to.include(old1.record.tokenDigest.slice(0, 12));
    expect(left).not.to.include(old2.record.tokenDigest.slice(0, 12));
  });

  it("uses the given scopes, and asks for them when the old tokens disagree", async () => {
    await issueToken(client, table, { principalId: "alice", scopes: ["GET /user/*"] });
    await issueToken(client, table, { principalId: "alice", scopes: ["*"] });
    const error = await rotateToken(client, table, { principalId: "alice" }).catch((e: unknown) => e);
    expect(error).to.have.property("message", "principal alice's tokens have different scopes");
    expect((await listTokens(client, table)).length).to.equal(2); // nothing issued, nothing revoked
    const rotated = await rotateToken(client, table, { principalId: "alice", scopes: ["PUT /user"] });
    expect(rotated.record.scopes).to.deep.equal(["PUT /user"]);
    expect(rotated.revoked).to.have.length(2);
  });

  it("refuses a principal without tokens: that is issue, not rotate", async () => {
    const error = await rotateToken(client, table, { principalId: "nobody" }).catch((e: unknown) => e);
    expect(error).to.have.property("message", "principal nobody has no token to rotate");
    expect(await listTokens(client, table)).to.deep.equal([]);
  });

  it("token rotate prints only the new token on stdout and what it revoked on stderr", async () => {
    const old = await issueToken(client, table, { principalId: "alice", scopes: ["PUT /user"] });
    let stdout = "";
    let stderr = "";
    const code = await runTokenCli(["rotate", "--stack", "demo", "--principal", "alice"], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      resolveTarget: async (flags) => {
        expect(flags).to.deep.equal({ stack: "demo" });
        return { client, tableName: table, description: "stack demo", close: () => undefined };
      },
    });
    expect(code).to.equal(0);
    expect(stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
    expect(stderr).to.include(`revoked ${old.record.tokenDigest.slice(0, 12)} (alice) in stack demo`);
    const [left] = await listTokens(client, table);
    expect(left?.digestPrefix).to.equal(digestToken(stdout.trim()).slice(0, 12));
    expect(left?.scopes).to.deep.equal(["PUT /user"]);
  });
});
