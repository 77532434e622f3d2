/**
 * Reliability: the embedded DynamoDB stopped, slowed and throttling while the local run serves
 * requests. The authorizer must answer 500 (never 200) while its table is unavailable, the service
 * must recover when the table returns, and a PUT must never leave a half-written user behind.
 *
 * Faults come from the proxy the functions reach DynamoDB through (bench/lib/dynamodb-proxy.ts);
 * the test's own client talks to DynamoDB directly.
 */
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import type { DynamoDbFault } from "../../bench/lib/dynamodb-proxy.js";
import { type LocalStack, startLocalStack } from "../../bench/lib/local-stack.js";
import { ensurePackagedFunctions } from "../local/support/packaged-functions.js";

/** Longer than the authorizer's Timeout (5 s in the template), so a slow table means a timed-out function. */
const SLOW: DynamoDbFault = { kind: "slow", delayMs: 6_000 };

const FAULTS: [string, DynamoDbFault][] = [
  ["stopped", { kind: "down" }],
  ["slowed past the function timeout", SLOW],
  ["throttling (ProvisionedThroughputExceededException)", { kind: "throttle" }],
];

const USER_FIELDS = ["createdAt", "createdBy", "id", "name", "updatedAt", "updatedBy"];

async function get(stack: LocalStack, token: string, id: string): Promise<number> {
  const response = await fetch(`${stack.api.url}/user/${id}`, { headers: { Authorization: token } });
  await response.arrayBuffer();
  return response.status;
}

async function put(stack: LocalStack, token: string, id: string, name: string): Promise<number> {
  const response = await fetch(`${stack.api.url}/user`, {
    method: "PUT",
    headers: { Authorization: token, "content-type": "application/json" },
    body: JSON.stringify({ id, name }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("reliability: DynamoDB faults", function () {
  this.timeout(120_000);

  describe("the authorizer's table fails (cache off, so every request runs the authorizer)", () => {
    let stack: LocalStack;
    let token: string;

    before(async () => {
      await ensurePackagedFunctions();
      stack = await startLocalStack({ parameterOverrides: { AuthorizerTtlSeconds: "0" } });
      token = await stack.issue("faults", ["PUT /user", "GET /user/{id}"]);
      expect(await put(stack, token, "present", "Present")).to.equal(204);
    });
    after(() => stack?.stop());

    for (const [name, fault] of FAULTS) {
      it(`answers 500, never 200, while the token table is ${name}, and recovers`, async () => {
        const tokenTable = stack.api.tables.TokenTable;
        stack.proxy.setFault(fault, (call) => call.tableName === tokenTable);
        const invocationsBefore = stack.api.authorizerInvocations();
        const during = await Promise.all([1, 2, 3, 4].map(() => get(stack, token, "present")));
        stack.proxy.setFault({ kind: "none" });

        expect(during).to.deep.equal([500, 500, 500, 500]);
        expect(stack.api.authorizerInvocations() - invocationsBefore, "the authorizer ran for each").to.equal(
          4,
        );
        // Recovery: once the table answers again, so does the API (a timed-out worker is replaced).
        expect(await get(stack, token, "present")).to.equal(200);
      });
    }
  });

  describe("the users table fails under a stream of PUTs (authorizer cached)", () => {
    let stack: LocalStack;
    let token: string;

    before(async () => {
      await ensurePackagedFunctions();
      stack = await startLocalStack();
      token = await stack.issue("faults", ["PUT /user", "GET /user/{id}"]);
      expect(await put(stack, token, "warm", "Warm")).to.equal(204);
    });
    after(() => stack?.stop());

    it("never leaves a half-written user and recovers when the table returns", async () => {
      const userTable = stack.api.tables.UserTable;
      // Faults switch while requests are in flight: every 20 answers the next phase starts.
      const phases: DynamoDbFault[] = [
        { kind: "none" },
        { kind: "down" },
        { kind: "none" },
        { kind: "throttle" },
        { kind: "none" },
        { kind: "lose-response" },
        { kind: "none" },
        { kind: "slow", delayMs: 500 },
        { kind: "none" },
      ];
      const total = phases.length * 20;
      const statuses = new Map<string, number>();
      let next = 0;
      let answered = 0;
      const worker = async () => {
        while (next < total) {
          const id = `fault-${next++}`;
          statuses.set(id, await put(stack, token, id, `Name of ${id}`));
          answered++;
          const phase = phases[Math.min(Math.floor(answered / 20), phases.length - 1)] as DynamoDbFault;
          stack.proxy.setFault(phase, (call) => call.tableName === userTable);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      stack.proxy.setFault({ kind: "none" });

      const seen = [...statuses.values()];
      expect(
        seen.every((status) => status === 204 || status === 500),
        `statuses ${[...new Set(seen)]}`,
      ).to.equal(true);
      expect(seen.filter((status) => status === 500).length, "some PUTs met a fault").to.be.greaterThan(0);
      expect(seen.filter((status) => status === 204).length, "some PUTs went through").to.be.greaterThan(0);

      const { Items = [] } = await stack.documentClient.send(new ScanCommand({ TableName: userTable }));
      for (const item of Items) {
        // Written with one UpdateItem: either the whole user is there or nothing is.
        expect(Object.keys(item).sort(), JSON.stringify(item)).to.deep.equal(USER_FIELDS);
        if (item.id !== "warm") expect(item.name).to.equal(`Name of ${item.id}`);
      }
      for (const [id, status] of statuses) {
        if (status !== 204) continue;
        const { Item } = await stack.documentClient.send(
          new GetCommand({ TableName: userTable, Key: { id }, ConsistentRead: true }),
        );
        expect(Item, `${id} answered 204 but is not stored`).to.not.equal(undefined);
      }
      // Recovery.
      expect(await put(stack, token, "after", "After")).to.equal(204);
      expect(await get(stack, token, "after")).to.equal(200);
    });
  });
});
