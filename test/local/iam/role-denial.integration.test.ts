/**
 * "Works locally" means "works deployed" for IAM too: the real template with one action taken off
 * the user function's role, run by the local run with the real functions behind the IAM gate. The
 * function gets DynamoDB's AccessDeniedException, as it would on AWS, and the request answers what
 * the template documents for a function error (500), while what the role still allows keeps working.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { type LocalApi, PROJECT_ROOT, startLocalApi } from "../../../local/index.js";
import { ensurePackagedFunctions } from "../support/packaged-functions.js";

const GRANT = "                  - 'dynamodb:DeleteItem'\n";

describe("local/iam: a role without the action, through the API", function () {
  this.timeout(180_000);
  let dir: string;
  let api: LocalApi;
  let client: DynamoDBDocumentClient;
  const lines: string[] = [];

  before(async () => {
    await ensurePackagedFunctions();
    dir = mkdtempSync(join(tmpdir(), "role-denial-"));
    const template = readFileSync(join(PROJECT_ROOT, "cloudformation/api.yaml"), "utf8");
    expect(template, "the user function's role grants dynamodb:DeleteItem").to.include(GRANT);
    const templatePath = join(dir, "api.yaml");
    writeFileSync(templatePath, template.replace(GRANT, ""));
    api = await startLocalApi({
      templatePath,
      port: 0,
      dynamodbPort: 0,
      dataDir: null,
      log: (line) => lines.push(line),
    });
    client = DynamoDBDocumentClient.from(localDynamoDBClient(api.dynamodb, api.region));
  });
  after(async () => {
    client?.destroy();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Issues a token for `principalId` and stores a user with it (the role allows the write). */
  async function storeUser(principalId: string, id: string) {
    const { token } = await issueToken(
      { client, tableName: api.outputs.TokenTableName as string },
      { principalId, scopes: ["*"] },
    );
    const headers = { Authorization: token, "Content-Type": "application/json" };
    const put = await fetch(`${api.url}/user`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ id, name: principalId }),
    });
    expect(put.status).to.equal(204);
    return { token, headers };
  }

  it("DELETE answers 500 because the function gets AccessDeniedException; PUT and GET still work", async () => {
    const { token, headers } = await storeUser("alice", "u-1");

    const remove = await fetch(`${api.url}/user/u-1`, { method: "DELETE", headers });
    expect(remove.status).to.equal(500);
    const denial = lines.find((line) => line.includes("AccessDeniedException"));
    expect(denial, lines.join("\n")).to.match(/dynamodb:DeleteItem/);
    expect(denial).to.not.include(token);
    // The gate in the function's worker says why in the run's log, as the run's gate would.
    expect(lines, lines.join("\n")).to.include(
      "dynamodb gate: UserFunction denied: dynamodb:DeleteItem on arn:aws:dynamodb:us-east-1:000000000000:table/local-users: no statement of role UserFunctionRole allows it",
    );

    // Nothing was deleted: the user is still there for GET, which the role allows.
    const get = await fetch(`${api.url}/user/u-1`, { headers });
    expect(get.status).to.equal(200);
  });

  it("a reload that grants the action lets the function's new workers do it", async () => {
    const { headers } = await storeUser("bob", "u-2");
    expect((await fetch(`${api.url}/user/u-2`, { method: "DELETE", headers })).status).to.equal(500);

    writeFileSync(join(dir, "api.yaml"), readFileSync(join(PROJECT_ROOT, "cloudformation/api.yaml"), "utf8"));
    await api.reload();
    expect((await fetch(`${api.url}/user/u-2`, { method: "DELETE", headers })).status).to.equal(204);
    expect((await fetch(`${api.url}/user/u-2`, { headers })).status).to.equal(404);
  });
});
