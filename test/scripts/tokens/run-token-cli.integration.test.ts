import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { waitUntilActive } from "../../../local/dynamodb/stack-tables.js";
import { formatTokenTable, runTokenCli } from "../../../scripts/tokens/run-token-cli.js";
import type { TargetFlags } from "../../../scripts/tokens/token-target.js";

const TABLE = "cli-tokens";

describe("scripts/tokens/run-token-cli", () => {
  let dynamodb: EmbeddedDynamoDB;
  let base: ReturnType<typeof localDynamoDBClient>;
  let client: DynamoDBDocumentClient;
  const targets: TargetFlags[] = [];

  before(async () => {
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    base = localDynamoDBClient(dynamodb.endpoint);
    client = DynamoDBDocumentClient.from(base);
    await base.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: "tokenDigest", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "tokenDigest", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await waitUntilActive(base, TABLE);
  });
  after(async () => {
    base.destroy();
    await dynamodb.stop();
  });

  /** Runs the CLI against the test table, capturing its output. */
  async function cli(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runTokenCli(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      resolveTarget: (flags) => {
        targets.push(flags);
        if (!flags.local)
          throw new ApigwTokenAuthError("the local API is not running: start it with `make start`");
        return { client, tableName: TABLE, description: "the test table", close: () => undefined };
      },
    });
    return { code, stdout, stderr };
  }
  const items = async () => (await client.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];

  it("issue prints the token and nothing else; the table holds only its digest", async () => {
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
    expect(stored).to.deep.include({ tokenDigest: digestToken(token), scopes: ["PUT /user"] });
    expect(JSON.stringify(await items())).to.not.contain(token);
    expect(targets.at(-1)).to.deep.equal({ local: true });
  });

  it("issue --json prints one object with the token, its digest prefix and the record", async () => {
    const { code, stdout } = await cli(
      "issue",
      "--local",
      "--principal",
      "bob",
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

  it("list shows digest prefixes, principals and scopes, never a token or a whole digest", async () => {
    const issued = (
      await cli("issue", "--local", "--principal", "carol", "--scope", "GET /user/*")
    ).stdout.trim();
    const text = await cli("list", "--local");
    const json = await cli("list", "--local", "--json");
    expect(text.code).to.equal(0);
    expect(text.stdout.split("\n")[0]).to.match(/^DIGEST\s+PRINCIPAL\s+SCOPES\s+EXPIRES\s+DESCRIPTION$/);
    expect(text.stdout).to.match(
      new RegExp(`${digestPrefix(digestToken(issued))}\\s+carol\\s+GET /user/\\*\\s+never`),
    );
    for (const output of [text.stdout, json.stdout]) {
      expect(output).to.not.contain(issued);
      expect(output).to.not.contain(digestToken(issued));
    }
    expect(JSON.parse(json.stdout).map((token: { principalId: string }) => token.principalId)).to.include(
      "carol",
    );
  });

  it("revoke deletes the token with the prefix and says the cache may keep it briefly", async () => {
    const issued = (await cli("issue", "--local", "--principal", "dave")).stdout.trim();
    const prefix = digestPrefix(digestToken(issued));
    const { code, stdout } = await cli("revoke", prefix, "--local");
    expect(code).to.equal(0);
    expect(stdout).to.contain(`revoked ${prefix} (dave)`).and.contain("authorizer TTL");
    expect((await items()).map((item) => item.principalId)).to.not.include("dave");
    const again = await cli("revoke", prefix, "--local");
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal(
      `token: no token has a digest starting with ${prefix} (got 0 matches; expected a digest prefix of exactly one token (see token list))\n`,
    );
  });

  it("answers a bad command line with exit 2, one error naming the flag and the usage hint", async () => {
    const { code, stdout, stderr } = await cli(
      "issue",
      "--local",
      "--principal",
      "x",
      "--scope",
      "FETCH /user",
    );
    expect({ code, stdout }).to.deep.equal({ code: 2, stdout: "" });
    expect(stderr).to.match(/^token: invalid scope \(got "FETCH \/user"; expected/);
    expect(stderr).to.contain("npm run --silent token -- help");
  });

  it("answers a target it cannot reach with exit 1 and how to fix it", async () => {
    const { code, stderr } = await cli("list");
    expect(code).to.equal(1);
    expect(stderr).to.equal("token: the local API is not running: start it with `make start`\n");
  });

  it("prints the usage for help", async () => {
    const { code, stdout } = await cli("help");
    expect(code).to.equal(0);
    expect(stdout).to.contain("issue --principal <id>").and.contain("--local");
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
