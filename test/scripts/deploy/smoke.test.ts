import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { digestToken } from "../../../handlers/shared/token.js";
import { runSmoke, SMOKE_PRINCIPAL } from "../../../scripts/deploy/smoke.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

const API_URL = "https://abc.execute-api.eu-west-1.amazonaws.com/v1";

describe("scripts/deploy/smoke", () => {
  const aws = useAwsMocks({
    cloudformation: CloudFormationClient,
    dynamodb: DynamoDBClient,
    documents: DynamoDBDocumentClient,
    sts: STSClient,
  });
  /** The stack's token table and audit table, as the token store writes and reads them. */
  let table: Map<string, { scopes: string[] }>;
  let audit: Record<string, unknown>[];

  /** A stack whose ApiUrl output is `apiUrl`, with its token and audit tables. */
  function deployedStack(apiUrl = API_URL) {
    aws.cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "demo",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: "ApiUrl", OutputValue: apiUrl },
            { OutputKey: "TokenTableName", OutputValue: "demo-auth-token" },
            { OutputKey: "TokenAuditTableName", OutputValue: "demo-token-audit" },
            { OutputKey: "ApiId", OutputValue: "abc" },
            { OutputKey: "StageName", OutputValue: "v1" },
          ],
        },
      ],
    });
    aws.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: "demo-auth-token" } });
    aws.sts.on(GetCallerIdentityCommand).resolves({ Arn: "arn:aws:iam::123456789012:user/ci" });
    table = new Map();
    audit = [];
    aws.documents.on(TransactWriteCommand).callsFake((input: TransactWriteCommand["input"]) => {
      for (const { Put, Delete } of input.TransactItems ?? []) {
        if (Put?.TableName === "demo-token-audit") audit.push(Put.Item as Record<string, unknown>);
        else if (Put) table.set(Put.Item?.tokenDigest as string, Put.Item as { scopes: string[] });
        if (Delete) table.delete(Delete.Key?.tokenDigest as string);
      }
      return {};
    });
    aws.documents
      .on(GetCommand)
      .callsFake((input: { Key: { tokenDigest: string } }) => ({ Item: table.get(input.Key.tokenDigest) }));
  }

  /**
   * A gateway that behaves like the deployed API, authenticating against the token table: 401 for
   * no or an unknown token, 403 out of scope, 404 once deleted.
   */
  function gateway(overrides: { noTokenStatus?: number; staleReads?: number } = {}) {
    let stale = overrides.staleReads ?? 0;
    const calls: string[] = [];
    const users = new Set<string>();
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const token = ((init?.headers ?? {}) as Record<string, string>).Authorization;
      calls.push(`${method} ${String(url)}`);
      if (token === undefined)
        return new Response('{"message":"Unauthorized"}', { status: overrides.noTokenStatus ?? 401 });
      const scopes = /^[A-Za-z0-9]{32}$/.test(token) ? table.get(digestToken(token))?.scopes : undefined;
      if (scopes === undefined || stale-- > 0)
        return new Response('{"message":"Unauthorized"}', { status: 401 });
      if (!scopes.includes("*") && method !== "GET") return new Response("{}", { status: 403 });
      if (method === "PUT") {
        users.add(JSON.parse(String(init?.body)).id);
        return new Response(null, { status: 204 });
      }
      const id = String(url).split("/").pop() as string;
      if (!users.has(id)) return new Response('{"message":"Not found"}', { status: 404 });
      if (method === "DELETE") {
        users.delete(id);
        return new Response(null, { status: 204 });
      }
      return new Response(`{"id":"${id}","name":"Smoke Test"}`, { status: 200 });
    }) as typeof fetch;
    return { fetchFn, calls, users };
  }

  const smoke = (fetchFn: typeof fetch, lines: string[] = []) =>
    runSmoke({
      env: { STACK_NAME: "demo", AWS_REGION: "eu-west-1" },
      log: (line) => lines.push(line),
      fetch: fetchFn,
      sleep: async () => {},
    });

  it("passes against an API that authenticates as specified, leaving no user and no token behind", async () => {
    deployedStack(`${API_URL}/`);
    const { fetchFn, calls, users } = gateway();
    const lines: string[] = [];
    expect(await smoke(fetchFn, lines)).to.equal(0);
    expect(lines.filter((line) => line.startsWith("PASS"))).to.have.length(10);
    expect(calls[0]).to.match(new RegExp(`^GET ${API_URL}/user/smoke-\\d+$`));
    expect(calls.every((call) => call.includes(` ${API_URL}/user`))).to.equal(true); // the trailing / trimmed
    // The user it wrote is gone: the fresh token's DELETE, then a GET that sees 404.
    expect(users.size).to.equal(0);
    expect(calls.slice(-2).map((call) => call.split(" ")[0])).to.deep.equal(["DELETE", "GET"]);
    // Its tokens were issued and revoked in the stack's tables, audited as the caller.
    expect(table.size).to.equal(0);
    expect(audit.map((entry) => entry.action)).to.deep.equal(["issue", "issue", "revoke", "revoke"]);
    expect(
      audit.every(
        (entry) =>
          entry.principalId === SMOKE_PRINCIPAL && entry.actor === "arn:aws:iam::123456789012:user/ci",
      ),
    ).to.equal(true);
    expect(lines.join("\n")).to.include("Revoked the tokens");
    expect(lines.join("\n")).not.to.match(/[A-Za-z0-9]{32}/); // tokens are never printed
  });

  it("fails every check against an API that answers 500, and still revokes its tokens", async () => {
    deployedStack();
    const failing = (async () => new Response(null, { status: 500 })) as typeof fetch;
    expect(await smoke(failing)).to.equal(10);
    expect(table.size).to.equal(0);
  });

  it("retries a fresh token's 401 while the new record is not readable yet", async () => {
    deployedStack();
    // The unknown-token check consumes nothing (it is not issued); the first fresh-token call sees stale reads.
    expect(await smoke(gateway({ staleReads: 2 }).fetchFn)).to.equal(0);
  });

  it("counts a check that gets the wrong status as failed, saying what came instead", async () => {
    deployedStack();
    const lines: string[] = [];
    expect(await smoke(gateway({ noTokenStatus: 200 }).fetchFn, lines)).to.equal(1);
    expect(lines.find((line) => line.startsWith("FAIL"))).to.match(
      /^FAIL {2}no token: GET \/user\/smoke-\d+: expected 401, got 200/,
    );
  });

  it("revokes the tokens even when the API cannot be reached", async () => {
    deployedStack();
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(await smoke(failing).catch((e: unknown) => e)).to.be.instanceOf(TypeError);
    expect(table.size).to.equal(0);
    expect(audit.filter((entry) => entry.action === "revoke")).to.have.length(2);
  });
});
