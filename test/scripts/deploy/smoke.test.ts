import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import {
  runSmoke,
  runSmokeChecks,
  SMOKE_PRINCIPAL,
  type SmokeTokens,
} from "../../../scripts/deploy/smoke.js";
import { useAwsMocks } from "../../support/aws-mocks.js";

describe("scripts/deploy/smoke: runSmoke", () => {
  const aws = useAwsMocks({
    cloudformation: CloudFormationClient,
    dynamodb: DynamoDBClient,
    documents: DynamoDBDocumentClient,
    sts: STSClient,
  });

  it("issues its tokens in the stack's token table (audited as the caller), calls the stack's ApiUrl, and deletes the tokens", async () => {
    aws.cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "demo",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: "ApiUrl", OutputValue: "https://abc.execute-api.eu-west-1.amazonaws.com/v1" },
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
    const table = new Map<string, Record<string, unknown>>();
    const audit: Record<string, unknown>[] = [];
    aws.documents.on(TransactWriteCommand).callsFake((input: TransactWriteCommand["input"]) => {
      for (const item of input.TransactItems ?? []) {
        if (item.Put?.TableName === "demo-token-audit") audit.push(item.Put.Item as Record<string, unknown>);
        else if (item.Put)
          table.set(item.Put.Item?.tokenDigest as string, item.Put.Item as Record<string, unknown>);
        if (item.Delete) table.delete(item.Delete.Key?.tokenDigest as string);
      }
      return {};
    });
    aws.documents
      .on(GetCommand)
      .callsFake((input: { Key: { tokenDigest: string } }) => ({ Item: table.get(input.Key.tokenDigest) }));
    const urls: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      urls.push(String(url));
      return new Response(null, { status: 500 });
    }) as typeof fetch;
    const lines: string[] = [];
    const failed = await runSmoke({
      env: { STACK_NAME: "demo", AWS_REGION: "eu-west-1" },
      log: (line) => lines.push(line),
      fetch: fakeFetch,
    });
    expect(failed).to.equal(10); // the fake API answers 500 to every check
    expect(
      urls.every((url) => url.startsWith("https://abc.execute-api.eu-west-1.amazonaws.com/v1/user")),
    ).to.equal(true);
    expect(audit.map((entry) => entry.action)).to.deep.equal(["issue", "issue", "revoke", "revoke"]);
    expect(
      audit.every(
        (entry) =>
          entry.principalId === SMOKE_PRINCIPAL && entry.actor === "arn:aws:iam::123456789012:user/ci",
      ),
    ).to.equal(true);
    expect(table.size).to.equal(0);
    expect(lines.join("\n")).to.include("Revoked the tokens");
  });
});

/** Tokens kept in memory, with the scopes they were issued with. */
function memoryTokens() {
  const issued = new Map<string, string[]>();
  let revoked = 0;
  const tokens: SmokeTokens = {
    issue: async (scopes) => {
      const token = `tok${issued.size}${"x".repeat(20)}`;
      issued.set(token, scopes);
      return token;
    },
    revokeAll: async () => {
      revoked = issued.size;
      issued.clear();
    },
  };
  return { tokens, issued, revoked: () => revoked };
}

/** A gateway that behaves like the deployed API: 401 for no/unknown token, 403 out of scope, 404 once deleted. */
function gateway(
  issued: Map<string, string[]>,
  overrides: { noTokenStatus?: number; staleReads?: number } = {},
) {
  let stale = overrides.staleReads ?? 0;
  const calls: string[] = [];
  const users = new Set<string>();
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push(`${method} ${String(url)}`);
    const token = headers.Authorization;
    if (token === undefined)
      return new Response('{"message":"Unauthorized"}', { status: overrides.noTokenStatus ?? 401 });
    const scopes = issued.get(token);
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

describe("scripts/deploy/smoke: runSmokeChecks", () => {
  const options = (fetchFn: typeof fetch, lines: string[]) => ({
    fetch: fetchFn,
    log: (line: string) => lines.push(line),
    sleep: async () => {},
    freshTokenRetries: 3,
    userId: "smoke-1",
  });

  it("passes against an API that authenticates as specified, and revokes the tokens it issued", async () => {
    const { tokens, issued, revoked } = memoryTokens();
    const { fetchFn, calls, users } = gateway(issued);
    const lines: string[] = [];
    expect(await runSmokeChecks("https://abc.example/v1/", tokens, options(fetchFn, lines))).to.equal(0);
    expect(lines.filter((line) => line.startsWith("PASS"))).to.have.length(10);
    expect(calls[0]).to.equal("GET https://abc.example/v1/user/smoke-1");
    expect(revoked()).to.equal(2);
    // The user it wrote is gone: the fresh token's DELETE, then a GET that sees 404.
    expect(users.size).to.equal(0);
    expect(calls.slice(-2)).to.deep.equal([
      "DELETE https://abc.example/v1/user/smoke-1",
      "GET https://abc.example/v1/user/smoke-1",
    ]);
    expect(lines.join("\n")).not.to.include("tok0"); // tokens are never printed
  });

  it("retries a fresh token's 401 while the new record is not readable yet", async () => {
    const { tokens, issued } = memoryTokens();
    const lines: string[] = [];
    // The unknown-token check consumes nothing (it is not issued); the first fresh-token call sees stale reads.
    const { fetchFn } = gateway(issued, { staleReads: 2 });
    expect(await runSmokeChecks("https://abc.example/v1", tokens, options(fetchFn, lines))).to.equal(0);
  });

  it("counts a check that gets the wrong status as failed, saying what came instead", async () => {
    const { tokens, issued } = memoryTokens();
    const { fetchFn } = gateway(issued, { noTokenStatus: 200 });
    const lines: string[] = [];
    expect(await runSmokeChecks("https://abc.example/v1", tokens, options(fetchFn, lines))).to.equal(1);
    expect(lines[0]).to.match(/^FAIL {2}no token: GET \/user\/smoke-1: expected 401, got 200/);
  });

  it("revokes the tokens even when the API cannot be reached", async () => {
    const { tokens, revoked } = memoryTokens();
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const error = await runSmokeChecks("https://abc.example/v1", tokens, options(failing, [])).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(revoked()).to.equal(2);
  });
});
