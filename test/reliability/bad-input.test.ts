/**
 * Reliability and security: every case of the bad-input corpus (bad-input-corpus.ts) gets its
 * documented 4xx from the local run, and none of them writes anything.
 */
import { connect } from "node:net";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { type LocalStack, startLocalStack } from "../../bench/lib/local-stack.js";
import { digestToken, generateToken } from "../../handlers/shared/token.js";
import { issueToken, revokeToken } from "../../lib/tokens/token-issue-revoke.js";
import { ensurePackagedFunctions } from "../local/support/packaged-functions.js";
import { type BadInputCase, badInputCorpus } from "./bad-input-corpus.js";

const WRITE_OPERATIONS = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

/** Sends a raw HTTP request and returns the status of the answer (0 if the connection just closed). */
function sendRaw(origin: string, text: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    // write, not end: a half-closed socket would make the server drop the answer to a slow request.
    socket.write(Buffer.from(text, "latin1"));
  });
}

/**
 * Opens `copies` connections and sends each the request head (which declares the body's length),
 * waits until the server has had every head, then sends the body on the connections it has not
 * already answered: the server decides on the declared lengths of uploads in progress at once,
 * whatever the timing of the uploads themselves. Returns each answer's status.
 */
async function sendRawBurst(origin: string, head: string, body: string, copies: number): Promise<number[]> {
  const { hostname, port } = new URL(origin);
  const connections = Array.from({ length: copies }, () => {
    const socket = connect(Number(port), hostname);
    const state = { answer: "", closed: false };
    const done = new Promise<number>((resolve) => {
      socket.on("data", (chunk) => {
        state.answer += chunk.toString("latin1");
      });
      // A connection the server answered early may be reset while we write: its answer counts.
      socket.on("error", () => {});
      socket.on("close", () => {
        state.closed = true;
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(state.answer)?.[1] ?? 0));
      });
    });
    socket.write(Buffer.from(head, "latin1"));
    return { socket, state, done };
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const { socket, state } of connections) {
    if (state.answer === "" && !state.closed) socket.write(body);
  }
  return Promise.all(connections.map((connection) => connection.done));
}

describe("reliability: bad input corpus", function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let token: string;
  let corpus: BadInputCase[];
  let tokenCount: number;

  const scan = async (logicalId: string) =>
    (await stack.documentClient.send(new ScanCommand({ TableName: stack.api.tables[logicalId] as string })))
      .Items ?? [];

  const unexpiredTokens = async () =>
    (await scan("TokenTable")).filter((item) => !(Number(item.expiresAt) <= Date.now() / 1000));

  before(async () => {
    await ensurePackagedFunctions();
    stack = await startLocalStack();
    const tokenTable = stack.api.tables.TokenTable as string;
    token = await stack.issue("corpus", ["PUT /user", "GET /user/{id}", "DELETE /user/{id}"]);
    const revoked = await stack.issue("revoked", ["GET /user/{id}"]);
    await revokeToken(
      { client: stack.documentClient, tableName: tokenTable },
      { digest: digestToken(revoked) },
    );
    const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
    const expired = await issueToken(
      { client: stack.documentClient, tableName: tokenTable },
      {
        principalId: "expired",
        scopes: ["GET /user/{id}"],
        expiresInSeconds: 60,
        now: () => tenDaysAgo,
      },
    );
    const getOnly = await stack.issue("get-only", ["GET /user/{id}"]);
    const agent = await issueToken(
      { client: stack.documentClient, tableName: tokenTable },
      { principalId: "agent-7", agentId: "agent-7", scopes: ["GET /agent/*"] },
    );
    corpus = badInputCorpus({
      unknown: generateToken(),
      revoked,
      expired: expired.token,
      getOnly,
      agent: agent.token,
    });
    const seeded = await fetch(`${stack.api.url}/user`, {
      method: "PUT",
      headers: { Authorization: token, "content-type": "application/json" },
      body: JSON.stringify({ id: "seed", name: "Seed" }),
    });
    expect(seeded.status).to.equal(204);
    tokenCount = (await unexpiredTokens()).length;
  });
  after(() => stack?.stop());

  it("has at least 50 cases", () => {
    expect(corpus.length).to.be.at.least(50);
  });

  /** Sends one case once: its status and body. */
  async function sendCase(c: BadInputCase): Promise<{ status: number; body: string }> {
    if (c.raw !== undefined) {
      const host = new URL(stack.api.origin).host;
      if (c.rawBody !== undefined) {
        throw new Error(`${c.name}: a raw case with a body is sent as a burst (parallel)`);
      }
      const status = await sendRaw(
        stack.api.origin,
        c.raw.replaceAll("{token}", token).replaceAll("{host}", host),
      );
      return { status, body: "" };
    }
    const headers: Record<string, string> = { ...c.headers };
    const authorization = c.token === undefined ? token : c.token;
    if (authorization !== null) headers.Authorization = authorization;
    const response = await fetch(`${stack.api.url}${c.path}`, {
      method: c.method,
      headers,
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    return { status: response.status, body: await response.text() };
  }

  it("answers each case with its documented status", async () => {
    const mismatches: string[] = [];
    for (const c of corpus) {
      const copies = c.parallel?.copies ?? 1;
      const answers =
        c.raw !== undefined && c.rawBody !== undefined
          ? (
              await sendRawBurst(
                stack.api.origin,
                c.raw.replaceAll("{token}", token).replaceAll("{host}", new URL(stack.api.origin).host),
                c.rawBody,
                copies,
              )
            ).map((status) => ({ status, body: "" }))
          : await Promise.all(Array.from({ length: copies }, () => sendCase(c)));
      const expected = answers.filter((a) => a.status === c.expectStatus);
      const others = answers.filter((a) => a.status !== c.expectStatus);
      const allowed = c.parallel?.otherStatuses ?? [];
      const wrongBody = expected.find((a) => c.expectBody !== undefined && a.body !== c.expectBody);
      const wrongOther = others.find((a) => !allowed.includes(a.status));
      const got = wrongBody ?? wrongOther ?? (expected.length === 0 ? others[0] : undefined);
      if (got !== undefined) {
        mismatches.push(
          `${c.name}: expected ${c.expectStatus} ${c.expectBody ?? ""}, got ${got.status} ${got.body.slice(0, 120)}`,
        );
      }
    }
    expect(mismatches).to.deep.equal([]);
  });

  it("writes nothing: the users table holds only the seeded user, the token table is unchanged", async () => {
    const users = await scan("UserTable");
    expect(users.map((u) => u.id)).to.deep.equal(["seed"]);
    expect(users[0]?.name).to.equal("Seed");
    // DynamoDB Local applies the table's TTL, as AWS does: the expired token's record may be gone.
    expect((await unexpiredTokens()).length).to.equal(tokenCount);
    // The functions' only write to the users table was the seed's UpdateItem; to the token table,
    // the authorizers' last-use records (lastUsedAt and nothing else).
    const writes = stack.proxy.calls.filter((call) => WRITE_OPERATIONS.includes(call.operation));
    const lastUse = writes.filter((call) => call.tableName === stack.api.tables.TokenTable);
    for (const call of lastUse) {
      expect(call.operation).to.equal("UpdateItem");
      expect(JSON.parse(call.body).UpdateExpression).to.equal("SET lastUsedAt = :now");
    }
    expect(
      writes.filter((call) => !lastUse.includes(call)).map((call) => `${call.operation} ${call.tableName}`),
    ).to.deep.equal([`UpdateItem ${stack.api.tables.UserTable}`]);
  });
});
