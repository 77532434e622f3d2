import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { formatTokenTable, runTokenCli } from "../../../scripts/tokens/run-token-cli.js";
import { type TokenCliHarness, tokenCliHarness } from "./support/token-cli-harness.js";
import { useTokenTables } from "./support/token-tables.js";

const NOW = Date.UTC(2026, 0, 1);

describe("scripts/tokens/run-token-cli (embedded DynamoDB)", () => {
  const tokens = useTokenTables("cli");
  let harness: TokenCliHarness;
  beforeEach(() => {
    harness = tokenCliHarness(tokens, () => NOW);
  });
  const cli = (...argv: string[]) => harness.cli(argv);
  const items = async () =>
    (await tokens.client.send(new ScanCommand({ TableName: tokens.table }))).Items ?? [];
  const issue = async (principal: string, ...more: string[]) =>
    (await cli("issue", "--local", "--principal", principal, "--scope", "PUT /user", ...more)).stdout.trim();

  it("issue prints the token and nothing else; the table holds only its digest, expiring in 90 days", async () => {
    const { code, stdout, stderr } = await cli(
      "issue",
      "--local",
      "--principal",
      "alice",
      "--scope",
      "PUT /user",
    );
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
    expect(stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
    const token = stdout.trim();
    const stored = (await items()).find((item) => item.principalId === "alice");
    expect(stored).to.deep.include({
      tokenDigest: digestToken(token),
      scopes: ["PUT /user"],
      expiresAt: NOW / 1000 + 90 * 86_400,
    });
    expect(JSON.stringify(await items())).to.not.contain(token);
    expect(harness.targets.at(-1)).to.deep.equal({ local: true });
    expect(harness.notAtomicWarnings).to.equal(1);
  });

  it("issue --expires-in never makes a token without expiry and warns on stderr", async () => {
    const { code, stdout, stderr } = await cli(
      "issue",
      "--local",
      "--principal",
      "forever",
      "--scope",
      "*",
      "--expires-in",
      "never",
    );
    expect(code).to.equal(0);
    expect(stderr).to.match(/^warning: token [0-9a-f]{12} never expires/);
    expect((await items())[0]?.expiresAt).to.equal(undefined);
    expect(stderr).to.not.contain(stdout.trim());
  });

  it("issue --json prints one object with the token, its digest prefix and the record", async () => {
    const { code, stdout } = await cli(
      "issue",
      "--local",
      "--principal",
      "bob",
      "--scope",
      "*",
      "--expires-in",
      "1h",
      "--json",
    );
    expect(code).to.equal(0);
    const printed = JSON.parse(stdout);
    expect(printed).to.have.keys("token", "digestPrefix", "principalId", "scopes", "expiresAt", "createdAt");
    expect(printed.digestPrefix).to.equal(digestPrefix(digestToken(printed.token)));
    expect(printed.scopes).to.deep.equal(["*"]);
  });

  it("list shows digest prefixes, principals, scopes and last use, never a token or a whole digest", async () => {
    const issued = await issue("carol");
    await issue("dave");
    const text = await cli("list", "--local");
    const json = await cli("list", "--local", "--json");
    const mine = await cli("list", "--local", "--principal", "carol", "--json");
    expect(text.code).to.equal(0);
    expect(text.stdout.split("\n")[0]).to.match(
      /^DIGEST\s+PRINCIPAL\s+SCOPES\s+EXPIRES\s+LAST USED\s+DESCRIPTION$/,
    );
    expect(text.stdout).to.match(
      new RegExp(`${digestPrefix(digestToken(issued))}\\s+carol\\s+PUT /user\\s+\\S+\\s+never`),
    );
    for (const output of [text.stdout, json.stdout]) {
      expect(output).to.not.contain(issued);
      expect(output).to.not.contain(digestToken(issued));
    }
    expect(JSON.parse(mine.stdout).map((token: { principalId: string }) => token.principalId)).to.deep.equal([
      "carol",
    ]);
  });

  it("revoke <prefix> deletes the token, flushes the cache and says both", async () => {
    const prefix = digestPrefix(digestToken(await issue("dave")));
    const { code, stdout } = await cli("revoke", prefix, "--local");
    expect(code).to.equal(0);
    expect(stdout).to.equal(`revoked ${prefix} (dave) in the test table; test cache flushed\n`);
    expect(harness.flushes).to.equal(1);
    expect((await items()).map((item) => item.principalId)).to.not.include("dave");
    const again = await cli("revoke", prefix, "--local");
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal(
      `token: no token has a digest starting with ${prefix} (got 0 matches; expected a digest prefix of exactly one token (see token list))\n`,
    );
  });

  it("revoke --token-stdin revokes the token read from stdin, with the reason in the audit", async () => {
    const token = await issue("erin");
    const { code, stdout } = await harness.cli(
      ["revoke", "--local", "--token-stdin", "--reason", "leaked in CI log"],
      {
        stdin: `${token}\n`,
      },
    );
    expect(code).to.equal(0);
    expect(stdout).to.contain(`revoked ${digestPrefix(digestToken(token))} (erin)`);
    const audit = await cli("audit", "--local", "--principal", "erin", "--json");
    const records = JSON.parse(audit.stdout);
    expect(records.map((record: { action: string }) => record.action)).to.deep.equal(["issue", "revoke"]);
    expect(records[1]).to.deep.include({ reason: "leaked in CI log", actor: "local:test" });
    expect(audit.stdout).to.not.contain(token);
  });

  it("revoke --no-flush leaves the cache and says the token may keep working until the TTL", async () => {
    const prefix = digestPrefix(digestToken(await issue("fay")));
    const { stdout } = await cli("revoke", prefix, "--local", "--no-flush");
    expect(stdout).to.contain("not flushed (--no-flush)").and.contain("authorizer TTL");
    expect(harness.flushes).to.equal(0);
  });

  it("a failed flush after a revoke exits 1, saying the revoke is done and how to retry", async () => {
    const prefix = digestPrefix(digestToken(await issue("gil")));
    harness.failFlush = new Error("TooManyRequestsException");
    const { code, stderr } = await cli("revoke", prefix, "--local");
    expect(code).to.equal(1);
    expect(stderr).to.match(
      new RegExp(
        `^token: revoked ${prefix} in the test table, but flushing the authorizer cache failed: TooManyRequestsException`,
      ),
    );
    expect(stderr).to.contain("token flush");
    expect((await items()).map((item) => item.principalId)).to.not.include("gil");
  });

  it("flush flushes and says so", async () => {
    expect(await cli("flush", "--local")).to.deep.equal({
      code: 0,
      stdout: "test cache flushed\n",
      stderr: "",
    });
  });

  it("audit lists changes as a table, filtered by principal and time", async () => {
    await issue("hal", "--reason", "first key");
    const all = await cli("audit", "--local");
    expect(all.stdout.split("\n")[0]).to.match(
      /^TIME\s+ACTION\s+DIGEST\s+PRINCIPAL\s+ACTOR\s+SCOPES\s+EXPIRES\s+REASON$/,
    );
    expect(all.stdout).to.match(/issue\s+[0-9a-f]{12}\s+hal\s+local:test\s+PUT \/user\s+\S+\s+first key/);
    const recent = await harness.cli(["audit", "--local", "--since", "1h"]);
    expect(recent.stdout).to.contain("hal");
    const none = await cli("audit", "--local", "--principal", "nobody");
    expect(none.stdout).to.equal("no audit records\n");
  });

  for (const [argv, stdin, message] of [
    [["revoke", "--local", "--token-stdin"], "", "revoke --token-stdin read no token"],
    [
      ["revoke", "--local", "--token-stdin"],
      "not a token!",
      "the token on standard input has the wrong format",
    ],
    [["revoke", "--local", "--token-stdin", "abcdef"], "", "revoke --token-stdin takes no digest prefix"],
    [["issue", "--local", "--principal", "x"], "", "issue needs at least one --scope"],
    [["issue", "--local", "--principal", "x", "--scope", "FETCH /user"], "", "invalid scope"],
    [["rotate", "--local", "--principal", "x", "--grace", "soon"], "", "invalid duration"],
    [["audit", "--local", "--since", "yesterday"], "", "invalid duration"],
    [
      ["issue", "--local", "--principal", "x", "--scope", "*", "--reason", ""],
      "",
      "--reason must be one line",
    ],
  ] as const) {
    it(`answers ${argv.join(" ")} with exit 2 and one clear line, writing nothing`, async () => {
      const { code, stdout, stderr } = await harness.cli(argv, { stdin });
      expect({ code, stdout }).to.deep.equal({ code: 2, stdout: "" });
      expect(stderr).to.match(new RegExp(`^token: ${message.replace(/[-[\]{}()*+?.\\^$|]/g, "\\$&")}`));
      expect(stderr.trimEnd().split("\n").length).to.be.at.most(2);
      if (stdin) expect(stderr).to.not.contain(stdin);
      expect(await items()).to.deep.equal([]);
    });
  }

  it("answers a target it cannot reach with exit 1 and how to fix it", async () => {
    let stderr = "";
    const code = await runTokenCli(["list"], {
      stdout: () => undefined,
      stderr: (text) => {
        stderr += text;
      },
      resolveTarget: () => {
        throw new ApigwTokenAuthError("the local API is not running: start it with `make start`");
      },
    });
    expect(code).to.equal(1);
    expect(stderr).to.equal("token: the local API is not running: start it with `make start`\n");
  });

  it("prints the usage for help", async () => {
    const { code, stdout } = await cli("help");
    expect(code).to.equal(0);
    expect(stdout).to.contain("issue --principal <id>").and.contain("--token-stdin").and.contain("--grace");
  });

  it("formats an empty listing and a corrupt record", () => {
    expect(formatTokenTable([])).to.equal("no tokens\n");
    const table = formatTokenTable([
      {
        digestPrefix: "ffffffffffff",
        principalId: "x",
        scopes: [],
        expired: false,
        createdAt: "",
        problem: "bad",
      },
    ]);
    expect(table).to.contain("INVALID RECORD: bad");
  });
});
