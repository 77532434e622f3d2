/**
 * `token explain`: the token's record, the policy our authorizer would build for the method, each
 * statement evaluated as the gateway does, and the decision — by digest prefix or with the token on
 * stdin, locally and on a stack; `--invoke` against a mocked API Gateway TestInvokeAuthorizer.
 */
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  TestInvokeAuthorizerCommand,
} from "@aws-sdk/client-api-gateway";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { expect } from "chai";
import { digestPrefix, digestToken } from "../../../handlers/shared/token.js";
import { issueToken } from "../../../lib/tokens/token-issue-revoke.js";
import { stackApiStage } from "../../../scripts/tokens/explain-command.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";
import { useAwsMocks } from "../../support/aws-mocks.js";
import { useTokenTables } from "./support/token-tables.js";

const API = {
  partition: "aws",
  region: "us-east-1",
  accountId: "000000000000",
  apiId: "abc123",
  stage: "v1",
};
const ARN = "arn:aws:execute-api:us-east-1:000000000000:abc123/v1";

describe("scripts/tokens explain", () => {
  const tokens = useTokenTables("explain");
  const aws = useAwsMocks({ apigateway: APIGatewayClient, cloudformation: CloudFormationClient });

  const target = (description: string) => ({
    client: tokens.client,
    tableName: tokens.table,
    description,
    actor: async () => "test",
    auditTableName: "unused",
    flushAuthorizerCache: async () => "unused",
    close: () => undefined,
  });

  async function cli(argv: string[], stdin = "") {
    let stdout = "";
    let stderr = "";
    const code = await runTokenCli(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      resolveTarget: (flags) =>
        target(flags.stack ? `stack ${flags.stack}` : "the local API (http://127.0.0.1:3000/v1)"),
      resolveApi: async () => ({ ...API, restApiId: API.apiId }),
      readStdin: async () => stdin,
      apiGateway: () => new APIGatewayClient({ region: "us-east-1" }),
    });
    return { code, stdout, stderr };
  }
  const issue = async (scopes: string[], expiresInSeconds?: number) =>
    issueToken(
      { client: tokens.client, tableName: tokens.table },
      {
        principalId: "alice",
        scopes,
        expiresInSeconds: expiresInSeconds ?? null,
      },
    );

  it("explains a 403: the policy for the method, no statement matches, what the scopes allow", async () => {
    const { token, record } = await issue(["PUT /user"]);
    const prefix = digestPrefix(record.tokenDigest);
    const { code, stdout, stderr } = await cli(["explain", prefix, "GET /user/x", "--local"]);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
    expect(stdout).to.equal(
      [
        `token ${prefix} (principal alice) on GET /user/x — the local API (http://127.0.0.1:3000/v1)`,
        "  state:     valid (never expires)",
        "  scopes:    PUT /user",
        `  method:    ${ARN}/GET/user/x`,
        `  statement: [0] Allow ${ARN}/PUT/user — does not match`,
        "  decision:  ImplicitDeny → 403",
        `  why:       ImplicitDeny: no statement of the policy names ${ARN}/GET/user/x; the token's scopes are PUT /user`,
        "",
      ].join("\n"),
    );
    expect(stdout).to.not.include(token);
    const allowed = await cli(["explain", prefix, "PUT /user", "--local", "--json"]);
    const json = JSON.parse(allowed.stdout);
    expect(json).to.include({
      decision: "Allow",
      outcome: "allowed",
      state: "valid",
      methodArn: `${ARN}/PUT/user`,
    });
    expect(json.policy.Statement[0].Resource).to.deep.equal([`${ARN}/PUT/user`]);
  });

  it("reads the token from stdin: unknown, expired and Bearer-prefixed tokens are 401 with the reason", async () => {
    const unknown = await cli(["explain", "--token-stdin", "GET /user/x", "--local"], "neverIssued123\n");
    expect(unknown.code).to.equal(0);
    expect(unknown.stdout).to.include("state:     unknown");
    expect(unknown.stdout).to.include("no record for this token (never issued, or revoked)");
    expect(unknown.stdout).to.include(digestPrefix(digestToken("neverIssued123")));
    expect(unknown.stdout).to.not.include("neverIssued123");

    const { token } = await issue(["GET /user/*"], 60);
    const later = await runTokenCli(["explain", "--token-stdin", "GET /user/x", "--local", "--json"], {
      stdout: (text) => {
        expect(JSON.parse(text)).to.include({ state: "expired", outcome: 401 });
      },
      stderr: () => undefined,
      resolveTarget: () => target("t"),
      resolveApi: async () => ({ ...API, restApiId: API.apiId }),
      readStdin: async () => token,
      now: () => Date.now() + 120_000,
    });
    expect(later).to.equal(0);

    const bearer = await cli(["explain", "--token-stdin", "GET /user/x", "--local"], `Bearer ${token}`);
    expect(bearer.stdout).to.include("state:     malformed");
    expect(bearer.stdout).to.include(
      'fails IdentityValidationExpression ^[a-zA-Z0-9]{3,32}$ (a "Bearer " prefix?)',
    );
    expect(bearer.stdout).to.not.include(token);
  });

  it("--invoke on a stack also shows what the deployed authorizer returned (TestInvokeAuthorizer)", async () => {
    const { token } = await issue(["GET /user/*"]);
    aws.apigateway.on(GetAuthorizersCommand, { restApiId: "abc123" }).resolves({
      items: [
        { id: "jwt1", name: "jwt", type: "TOKEN", identitySource: "method.request.header.X-Jwt" },
        { id: "tok1", name: "token", type: "TOKEN", identitySource: "method.request.header.Authorization" },
      ],
    });
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: ["x"] }],
    };
    aws.apigateway
      .on(TestInvokeAuthorizerCommand, {
        restApiId: "abc123",
        authorizerId: "tok1",
        headers: { Authorization: token },
      })
      .resolves({
        clientStatus: 0,
        latency: 87,
        principalId: "alice",
        policy: JSON.stringify(policy),
        log: `Execution log for request test-request\nIncoming identity: ${token}\nAuthorizer result: Allow`,
      });
    const { code, stdout, stderr } = await cli(
      ["explain", "--token-stdin", "GET /user/x", "--stack", "demo", "--invoke"],
      `${token}\n`,
    );
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
    expect(stdout).to.include("decision:  Allow → allowed");
    expect(stdout).to.include("TestInvokeAuthorizer (authorizer tok1");
    expect(stdout).to.include("client status: 0 (authorized), latency 87 ms, principal alice");
    expect(stdout).to.include(`Incoming identity: <token ${digestPrefix(digestToken(token))}>`);
    expect(stdout).to.not.include(token);
    const json = JSON.parse(
      (await cli(["explain", "--token-stdin", "GET /user/x", "--stack", "demo", "--invoke", "--json"], token))
        .stdout,
    );
    expect(json.testInvoke).to.deep.include({ authorizerId: "tok1", clientStatus: 0, policy });
  });

  it("finds a stack's API and stage from its outputs and stack id", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "demo",
          StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/guid",
          StackStatus: "UPDATE_COMPLETE",
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: "ApiId", OutputValue: "xyz" },
            { OutputKey: "ApiUrl", OutputValue: "https://xyz.execute-api.eu-west-1.amazonaws.com/prod" },
          ],
        },
      ],
    });
    expect(await stackApiStage(new CloudFormationClient({ region: "eu-west-1" }), "demo")).to.deep.equal({
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      apiId: "xyz",
      stage: "prod",
      restApiId: "xyz",
    });
  });

  it("usage errors exit 2 with one line; an unknown digest prefix exits 1", async () => {
    for (const argv of [
      ["explain", "abcdef", "--local"],
      ["explain", "abcdef", "FETCH /user", "--local", "--oops"],
      ["explain", "abcdef", "GET /user/x", "--stack", "demo", "--invoke"],
      ["explain", "abcdef", "FETCH /user", "--local"],
      ["explain", "abcdef", "GET user", "--local"],
    ]) {
      const { code, stderr } = await cli(argv);
      expect(code, argv.join(" ")).to.equal(2);
      expect(stderr.split("\n")[0]).to.match(/^token: /);
    }
    expect((await cli(["explain", "abcdef", "FETCH /user", "--local"])).stderr).to.include("not a method");
    const unknown = await cli(["explain", "abcdef", "GET /user/x", "--local"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include("no token has a digest starting with abcdef");
  });
});
